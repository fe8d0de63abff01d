/**
 * Forge key-value storage as the @forge/kvs client sees it: POST /api/v1/<operation> with a JSON
 * body. Enforces the documented limits (key length and characters, value size) and the
 * FAIL_IF_EXISTS key policy, and counts requests by operation.
 */

export const MAX_KEY_LENGTH = 500;
export const MAX_VALUE_BYTES = 240 * 1024;
const KEY_PATTERN = /^(?!\s+$)[a-zA-Z0-9:._\s\-#]+$/;

interface Entry {
  value: unknown;
  createdAt: number;
  updatedAt: number;
  expiresAt: number | undefined;
}

type KvsResult = { status: number; body?: unknown };

const TTL_UNIT_MS = { SECONDS: 1000, MINUTES: 60_000, HOURS: 3_600_000, DAYS: 86_400_000 } as const;

function error(status: number, code: string, message: string): KvsResult {
  return { status, body: { code, message } };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class KvsEmulator {
  private readonly data = new Map<string, Entry>();
  readonly counts = new Map<string, number>();
  /** When set, the next N writes fail with this status (fault injection). */
  private writeFaults: Array<{ status: number; left: number }> = [];
  now: () => number = () => Date.now();

  resetCounts(): void {
    this.counts.clear();
  }

  /** Storage requests of any kind since the last reset. */
  total(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }

  /** Read requests (get, batch get, query) since the last reset. */
  reads(): number {
    return (
      (this.counts.get('get') ?? 0) +
      (this.counts.get('batch/get') ?? 0) +
      (this.counts.get('query') ?? 0)
    );
  }

  writes(): number {
    return this.total() - this.reads();
  }

  failWrites(status: number, times = 1): void {
    this.writeFaults.push({ status, left: times });
  }

  /** Direct access for test setup and assertions; not counted. */
  peek(key: string): unknown {
    return this.live(key)?.value;
  }

  seed(key: string, value: unknown): void {
    const t = this.now();
    this.data.set(key, {
      value: structuredClone(value),
      createdAt: t,
      updatedAt: t,
      expiresAt: undefined,
    });
  }

  keys(): string[] {
    return [...this.data.keys()].filter((k) => this.live(k) !== undefined).sort();
  }

  private live(key: string): Entry | undefined {
    const entry = this.data.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.now()) {
      this.data.delete(key);
      return undefined;
    }
    return entry;
  }

  handle(path: string, bodyText: string): KvsResult {
    const op = path.replace(/^\/api\/v1\//, '');
    this.counts.set(op, (this.counts.get(op) ?? 0) + 1);
    let body: unknown;
    try {
      body = JSON.parse(bodyText);
    } catch {
      return error(400, 'INVALID_REQUEST', 'Request body is not JSON');
    }
    switch (op) {
      case 'get':
        return this.get(body);
      case 'set':
        return this.set(body);
      case 'delete':
        return this.delete(body);
      case 'batch/get':
        return this.batchGet(body);
      case 'query':
        return this.query(body);
      default:
        throw new Error(`KVS emulator: operation "${op}" is not emulated`);
    }
  }

  private checkKey(key: unknown): string | KvsResult {
    if (typeof key !== 'string' || key.length === 0)
      return error(400, 'INVALID_KEY', 'Key must be a non-empty string');
    if (key.length > MAX_KEY_LENGTH)
      return error(400, 'INVALID_KEY', `Key is longer than ${MAX_KEY_LENGTH} characters`);
    if (!KEY_PATTERN.test(key))
      return error(400, 'INVALID_KEY', `Key "${key}" has characters storage does not allow`);
    return key;
  }

  private get(body: unknown): KvsResult {
    if (!isObject(body)) return error(400, 'INVALID_REQUEST', 'Body must be an object');
    const key = this.checkKey(body['key']);
    if (typeof key !== 'string') return key;
    const entry = this.live(key);
    if (!entry) return error(404, 'KEY_NOT_FOUND', `Key ${key} not found`);
    return {
      status: 200,
      body: {
        key,
        value: structuredClone(entry.value),
        createdAt: entry.createdAt,
        updatedAt: entry.updatedAt,
      },
    };
  }

  private set(body: unknown): KvsResult {
    if (!isObject(body)) return error(400, 'INVALID_REQUEST', 'Body must be an object');
    const key = this.checkKey(body['key']);
    if (typeof key !== 'string') return key;
    if (!('value' in body) || body['value'] === undefined)
      return error(400, 'INVALID_VALUE', 'Value is required');
    const size = Buffer.byteLength(JSON.stringify(body['value']), 'utf8');
    if (size > MAX_VALUE_BYTES) {
      return error(
        413,
        'VALUE_TOO_LARGE',
        `Value of ${size} bytes exceeds the ${MAX_VALUE_BYTES}-byte limit`,
      );
    }
    const fault = this.writeFaults.find((f) => f.left > 0);
    if (fault) {
      fault.left -= 1;
      return error(fault.status, 'INJECTED_FAULT', `Injected storage fault ${fault.status}`);
    }
    const options = isObject(body['options']) ? body['options'] : {};
    const existing = this.live(key);
    if (options['keyPolicy'] === 'FAIL_IF_EXISTS' && existing) {
      return error(409, 'KEY_CONFLICT', `Key ${key} already exists`);
    }
    let expiresAt: number | undefined;
    const ttl = options['ttl'];
    if (isObject(ttl)) {
      const unit = ttl['unit'];
      const value = ttl['value'];
      if (
        typeof value !== 'number' ||
        value <= 0 ||
        typeof unit !== 'string' ||
        !(unit in TTL_UNIT_MS)
      ) {
        return error(400, 'INVALID_TTL', 'ttl needs a positive value and a unit');
      }
      expiresAt = this.now() + value * TTL_UNIT_MS[unit as keyof typeof TTL_UNIT_MS];
    }
    const t = this.now();
    const previous = existing?.value;
    this.data.set(key, {
      value: structuredClone(body['value']),
      createdAt: existing?.createdAt ?? t,
      updatedAt: t,
      expiresAt,
    });
    if (options['returnValue'] === 'PREVIOUS')
      return { status: 200, body: { key, value: previous } };
    if (options['returnValue'] === 'LATEST')
      return { status: 200, body: { key, value: body['value'] } };
    return { status: 204 };
  }

  private delete(body: unknown): KvsResult {
    if (!isObject(body)) return error(400, 'INVALID_REQUEST', 'Body must be an object');
    const key = this.checkKey(body['key']);
    if (typeof key !== 'string') return key;
    this.data.delete(key);
    return { status: 204 };
  }

  private batchGet(body: unknown): KvsResult {
    if (!Array.isArray(body)) return error(400, 'INVALID_REQUEST', 'Body must be an array of keys');
    const successfulKeys: unknown[] = [];
    const failedKeys: unknown[] = [];
    for (const item of body) {
      const key = this.checkKey(isObject(item) ? item['key'] : undefined);
      if (typeof key !== 'string') return key;
      const entry = this.live(key);
      if (entry) {
        successfulKeys.push({
          key,
          value: structuredClone(entry.value),
          createdAt: entry.createdAt,
          updatedAt: entry.updatedAt,
        });
      } else {
        failedKeys.push({ key, error: { code: 'KEY_NOT_FOUND', message: `Key ${key} not found` } });
      }
    }
    return { status: 200, body: { successfulKeys, failedKeys } };
  }

  private query(body: unknown): KvsResult {
    if (!isObject(body)) return error(400, 'INVALID_REQUEST', 'Body must be an object');
    const limit = typeof body['limit'] === 'number' ? body['limit'] : 10;
    if (limit < 1 || limit > 100) return error(400, 'INVALID_LIMIT', 'limit must be 1-100');
    const where = Array.isArray(body['where']) ? (body['where'] as unknown[]) : [];
    let prefix = '';
    for (const w of where) {
      if (isObject(w) && w['property'] === 'key' && w['condition'] === 'BEGINS_WITH') {
        const values = w['values'];
        if (Array.isArray(values) && typeof values[0] === 'string') prefix = values[0];
      }
    }
    const after = typeof body['after'] === 'string' ? body['after'] : undefined;
    const keys = this.keys().filter(
      (k) => k.startsWith(prefix) && (after === undefined || k > after),
    );
    const page = keys.slice(0, limit);
    const data = page.map((key) => ({ key, value: structuredClone(this.live(key)?.value) }));
    const cursor = keys.length > limit ? page[page.length - 1] : undefined;
    return { status: 200, body: { data, ...(cursor ? { cursor } : {}) } };
  }
}

/**
 * Forge key-value storage as the @forge/kvs client sees it: POST /api/v1/<operation> with a JSON
 * body. Enforces the documented limits (key length and characters, value size) and the
 * FAIL_IF_EXISTS key policy, and counts requests by operation.
 */

export const MAX_KEY_LENGTH = 500;
export const MAX_VALUE_BYTES = 240 * 1024;
export const MAX_TRANSACTION_OPS = 25;
const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;
const bodyBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');
const KEY_PATTERN = /^(?!\s+$)[a-zA-Z0-9:._\s\-#]+$/;

interface Entry {
  value: unknown;
  createdAt: number;
  updatedAt: number;
  expiresAt: number | undefined;
}

type KvsResult = { status: number; body?: unknown };

/** One storage request as the emulator receives it: the operation and its parsed body. */
export interface KvsRequest {
  op: string;
  body: unknown;
}

/**
 * A request held in flight (a slow writer): it reaches storage only when the test releases it.
 * `arrived` resolves when the matching request was sent and is being held.
 */
export interface KvsHold {
  readonly arrived: Promise<void>;
  release(): void;
}

interface PendingHold {
  match: (request: KvsRequest) => boolean;
  taken: boolean;
  arrive: () => void;
  released: Promise<void>;
}

const TTL_UNIT_MS = { SECONDS: 1000, MINUTES: 60_000, HOURS: 3_600_000, DAYS: 86_400_000 } as const;

function error(status: number, code: string, message: string): KvsResult {
  return { status, body: { code, message } };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function requestOf(path: string, bodyText: string): KvsRequest {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    body = undefined;
  }
  return { op: path.replace(/^\/api\/v1\//, ''), body };
}

export class KvsEmulator {
  private readonly data = new Map<string, Entry>();
  readonly counts = new Map<string, number>();
  /** When set, the next N writes fail with this status (fault injection). */
  private writeFaults: Array<{ status: number; left: number; skip: number; ops: string[] }> = [];
  now: () => number = () => Date.now();
  private holds: PendingHold[] = [];
  /**
   * Milliseconds (real time) each request spends in flight before it reaches storage: writers
   * whose requests arrive late and interleave. Undefined: none.
   */
  delay: ((request: KvsRequest) => number) | undefined = undefined;

  /**
   * Holds the next request that matches in flight until `release()`: it reaches storage after
   * whatever other requests arrive meanwhile (a writer stopped between its read and its write).
   */
  hold(match: (request: KvsRequest) => boolean): KvsHold {
    let arrive = () => {};
    let release = () => {};
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.holds.push({ match, taken: false, arrive, released });
    return { arrived, release };
  }

  /** Waits while the request is held or delayed in flight; called before `handle`. */
  async inFlight(path: string, bodyText: string): Promise<void> {
    const request = requestOf(path, bodyText);
    const hold = this.holds.find((h) => !h.taken && h.match(request));
    if (hold) {
      hold.taken = true;
      this.holds = this.holds.filter((h) => h !== hold);
      hold.arrive();
      await hold.released;
    }
    const ms = this.delay?.(request) ?? 0;
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }

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

  /**
   * The next `times` writes fail with `status`. Writes are sets and transactions unless `ops`
   * names others (e.g. ['delete']); `skip` lets that many matching writes through first, so a
   * test can stop a save between two of its writes (a crash mid-write).
   */
  failWrites(
    status: number,
    times = 1,
    options: { skip?: number; ops?: Array<'set' | 'delete' | 'transaction'> } = {},
  ): void {
    this.writeFaults.push({
      status,
      left: times,
      skip: options.skip ?? 0,
      ops: options.ops ?? ['set', 'transaction'],
    });
  }

  /** Drops write faults that have not fired yet. */
  clearWriteFaults(): void {
    this.writeFaults = [];
  }

  private injectedWriteFault(op: string): KvsResult | undefined {
    const fault = this.writeFaults.find((f) => f.left > 0 && f.ops.includes(op));
    if (!fault) return undefined;
    if (fault.skip > 0) {
      fault.skip -= 1;
      return undefined;
    }
    fault.left -= 1;
    return error(fault.status, 'INJECTED_FAULT', `Injected storage fault ${fault.status}`);
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
      case 'transaction':
        return this.transaction(body);
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
    const fault = this.injectedWriteFault('set');
    if (fault) return fault;
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
    const fault = this.injectedWriteFault('delete');
    if (fault) return fault;
    this.data.delete(key);
    return { status: 204 };
  }

  /**
   * Sets and deletes that all happen or none (KVS transactions): at most 25 operations, each
   * key once, values within the value limit, at most 4 MB in all. Conditions (`check`, and
   * `conditions` on an operation) exist only for custom entities, which are not emulated.
   */
  private transaction(body: unknown): KvsResult {
    if (!isObject(body)) return error(400, 'INVALID_REQUEST', 'Body must be an object');
    const sets = Array.isArray(body['set']) ? (body['set'] as unknown[]) : [];
    const deletes = Array.isArray(body['delete']) ? (body['delete'] as unknown[]) : [];
    if (body['check'] !== undefined)
      throw new Error('KVS emulator: transaction checks (custom entities) are not emulated');
    const total = sets.length + deletes.length;
    if (total === 0) return error(400, 'INVALID_REQUEST', 'A transaction needs an operation');
    if (total > MAX_TRANSACTION_OPS) {
      return error(
        400,
        'TOO_MANY_OPERATIONS',
        `A transaction may hold at most ${MAX_TRANSACTION_OPS} operations, not ${total}`,
      );
    }
    if (bodyBytes(body) > MAX_TRANSACTION_BYTES)
      return error(413, 'PAYLOAD_TOO_LARGE', 'A transaction may carry at most 4 MB');
    const seen = new Set<string>();
    const plan: Array<{ key: string; value?: unknown }> = [];
    for (const item of [...sets, ...deletes]) {
      if (!isObject(item)) return error(400, 'INVALID_REQUEST', 'Operations must be objects');
      if (item['entityName'] !== undefined || item['conditions'] !== undefined)
        throw new Error('KVS emulator: custom entity transactions are not emulated');
      const key = this.checkKey(item['key']);
      if (typeof key !== 'string') return key;
      if (seen.has(key))
        return error(400, 'DUPLICATE_KEY', `Key ${key} appears twice in the transaction`);
      seen.add(key);
      if (sets.includes(item)) {
        if (item['value'] === undefined) return error(400, 'INVALID_VALUE', 'Value is required');
        const size = bodyBytes(item['value']);
        if (size > MAX_VALUE_BYTES) {
          return error(
            413,
            'VALUE_TOO_LARGE',
            `Value of ${size} bytes exceeds the ${MAX_VALUE_BYTES}-byte limit`,
          );
        }
        plan.push({ key, value: item['value'] });
      } else {
        plan.push({ key });
      }
    }
    const fault = this.injectedWriteFault('transaction');
    if (fault) return fault;
    const t = this.now();
    for (const step of plan) {
      if (!('value' in step)) {
        this.data.delete(step.key);
        continue;
      }
      const existing = this.live(step.key);
      this.data.set(step.key, {
        value: structuredClone(step.value),
        createdAt: existing?.createdAt ?? t,
        updatedAt: t,
        expiresAt: undefined,
      });
    }
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

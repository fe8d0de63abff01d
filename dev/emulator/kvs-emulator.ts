/**
 * Forge hosted storage as the @forge/kvs client sees it: POST /api/v1/<operation> with a JSON
 * body (node_modules/@forge/kvs/out/storage-api.js). Enforces the documented limits (key length
 * and characters, value size, transactions of at most 25 operations and 4 MB, each key once) and
 * the FAIL_IF_EXISTS key policy, and counts requests by operation.
 *
 * Custom entities (the Custom Entity Store) as far as the app uses them: get, set and delete of
 * an entity value, entities in batch reads, and entity operations in transactions with
 * conditions on their attributes (`check`, and `conditions` on a set or delete). Only entities
 * declared in manifest.yml under app.storage.entities exist, and a value must hold declared
 * attributes of their declared types. Sources:
 * - https://developer.atlassian.com/platform/forge/runtime-reference/custom-entities/ (attributes
 *   and their types; integers are 32-bit signed)
 * - https://developer.atlassian.com/platform/forge/storage-reference/transactions-entities/
 *   (all operations are committed if all conditions are met, or none is)
 * - https://developer.atlassian.com/platform/forge/storage-reference/transactions/ (25
 *   operations, 4 MB, each key once)
 * - https://developer.atlassian.com/platform/forge/storage-reference/handling-errors-customentities/
 *   (error codes such as INVALID_ENTITY_TYPE and INVALID_ENTITY_VALUE)
 * - https://developer.atlassian.com/platform/forge/limits-kvs-ce/ (keys, 240 KiB values)
 *
 * What the docs do not say, and what is chosen here (docs/emulator.md lists these):
 * - A condition on an attribute the stored entity lacks (or on an entity that does not exist)
 *   holds only for NOT_EXISTS, as in the DynamoDB condition expressions Forge storage resembles;
 *   so a set conditioned on NOT_EXISTS creates an entity once. A `check` needs the entity to
 *   exist ("check if key exists and meets conditions").
 * - A failed condition fails the whole transaction with 409 and the code
 *   TRANSACTION_CONDITIONS_NOT_MET. Neither the docs nor @forge/kvs 1.6.5 name the code (the
 *   client turns any error body into a ForgeKvsAPIError with the server's code), so the app must
 *   not rely on it: src/storage/versioned-record.ts reads the entity again to learn whether it
 *   lost a race.
 * - Deleting a key that does not exist (alone or in a transaction) succeeds.
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

export const ENTITY_ATTRIBUTE_TYPES = ['string', 'integer', 'float', 'boolean', 'any'] as const;
export type EntityAttributeType = (typeof ENTITY_ATTRIBUTE_TYPES)[number];
/** Declared custom entities: name to attribute types (manifest.yml app.storage.entities). */
export type EntityDefinitions = ReadonlyMap<string, Readonly<Record<string, EntityAttributeType>>>;

/** The custom entities a parsed manifest.yml declares. */
export function entitiesOfManifest(manifest: unknown): EntityDefinitions {
  const out = new Map<string, Record<string, EntityAttributeType>>();
  const app = isObject(manifest) ? manifest['app'] : undefined;
  const storage = isObject(app) ? app['storage'] : undefined;
  const entities = isObject(storage) ? storage['entities'] : undefined;
  if (!Array.isArray(entities)) return out;
  for (const entity of entities) {
    if (!isObject(entity) || typeof entity['name'] !== 'string') continue;
    const attributes: Record<string, EntityAttributeType> = {};
    const declared = isObject(entity['attributes']) ? entity['attributes'] : {};
    for (const [name, spec] of Object.entries(declared)) {
      const type = isObject(spec) ? spec['type'] : undefined;
      if (typeof type === 'string' && (ENTITY_ATTRIBUTE_TYPES as readonly string[]).includes(type))
        attributes[name] = type as EntityAttributeType;
    }
    out.set(entity['name'], attributes);
  }
  return out;
}

/** The kind of write an operation is, for injected faults. */
const WRITE_KINDS: Readonly<Record<string, 'set' | 'delete' | 'transaction'>> = {
  set: 'set',
  'entity/set': 'set',
  delete: 'delete',
  'entity/delete': 'delete',
  transaction: 'transaction',
};

/** The code a transaction whose condition failed answers with (chosen; see above). */
export const CONDITIONS_NOT_MET = 'TRANSACTION_CONDITIONS_NOT_MET';
const INT32 = { min: -2_147_483_648, max: 2_147_483_647 };
const FILTER_CONDITIONS = [
  'BEGINS_WITH',
  'BETWEEN',
  'CONTAINS',
  'EQUAL_TO',
  'EXISTS',
  'GREATER_THAN',
  'GREATER_THAN_EQUAL_TO',
  'LESS_THAN',
  'LESS_THAN_EQUAL_TO',
  'NOT_CONTAINS',
  'NOT_EQUAL_TO',
  'NOT_EXISTS',
] as const;

interface Filter {
  property: string;
  condition: (typeof FILTER_CONDITIONS)[number];
  values: unknown[];
}
/** Parsed transaction conditions: every filter must hold (and), or one of them (or). */
interface Conditions {
  operator: 'and' | 'or';
  filters: Filter[];
}

/** One operation of a transaction after its checks: what to apply if every condition holds. */
interface TransactionStep {
  kind: 'set' | 'delete' | 'check';
  key: string;
  entityName: string | undefined;
  value?: unknown;
  conditions: Conditions | undefined;
}

const compare = (a: unknown, b: unknown): number | undefined => {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
};

function filterHolds(filter: Filter, attributes: Record<string, unknown> | undefined): boolean {
  const v = attributes?.[filter.property];
  const present = v !== undefined;
  const [first, second] = filter.values;
  const c = compare(v, first);
  switch (filter.condition) {
    case 'EXISTS':
      return present;
    case 'NOT_EXISTS':
      return !present;
    case 'EQUAL_TO':
      return present && v === first;
    case 'NOT_EQUAL_TO':
      return present && v !== first;
    case 'GREATER_THAN':
      return c !== undefined && c > 0;
    case 'GREATER_THAN_EQUAL_TO':
      return c !== undefined && c >= 0;
    case 'LESS_THAN':
      return c !== undefined && c < 0;
    case 'LESS_THAN_EQUAL_TO':
      return c !== undefined && c <= 0;
    case 'BETWEEN': {
      const upper = compare(v, second);
      return c !== undefined && upper !== undefined && c >= 0 && upper <= 0;
    }
    case 'BEGINS_WITH':
      return typeof v === 'string' && typeof first === 'string' && v.startsWith(first);
    case 'CONTAINS':
      return (
        (typeof v === 'string' && typeof first === 'string' && v.includes(first)) ||
        (Array.isArray(v) && v.includes(first))
      );
    case 'NOT_CONTAINS':
      return (
        present &&
        !(
          (typeof v === 'string' && typeof first === 'string' && v.includes(first)) ||
          (Array.isArray(v) && v.includes(first))
        )
      );
  }
}

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
  /** Custom entity values by entity name, then key. */
  private readonly entityData = new Map<string, Map<string, Entry>>();
  readonly counts = new Map<string, number>();
  /** When set, the next N writes fail with this status (fault injection). */
  private writeFaults: Array<{
    status: number;
    left: number;
    skip: number;
    ops: string[];
    afterApply: boolean;
  }> = [];
  now: () => number = () => Date.now();
  private holds: PendingHold[] = [];
  /**
   * Milliseconds (real time) each request spends in flight before it reaches storage: writers
   * whose requests arrive late and interleave. Undefined: none.
   */
  delay: ((request: KvsRequest) => number) | undefined = undefined;

  /** `entities`: the custom entities manifest.yml declares (entitiesOfManifest). */
  constructor(readonly entities: EntityDefinitions = new Map()) {}

  /**
   * Holds the next request that matches in flight until `release()`: it reaches storage after
   * whatever other requests arrive meanwhile (a writer stopped between its read and its write).
   */
  hold(match: (request: KvsRequest) => boolean): KvsHold {
    let arrive: () => void = () => undefined;
    let release: () => void = () => undefined;
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

  /** Read requests (get, entity get, batch get, query) since the last reset. */
  reads(): number {
    return (
      (this.counts.get('get') ?? 0) +
      (this.counts.get('entity/get') ?? 0) +
      (this.counts.get('batch/get') ?? 0) +
      (this.counts.get('query') ?? 0)
    );
  }

  writes(): number {
    return this.total() - this.reads();
  }

  /**
   * The next `times` writes fail with `status`. Writes are sets (of keys and of entities) and
   * transactions unless `ops` names others (e.g. ['delete'], which covers entity deletes too);
   * `skip` lets that many matching writes through first, so a test can stop a save between two
   * of its writes (a crash mid-write). With `afterApply` the write reaches storage and only its
   * answer is the error (the connection broke on the way back).
   */
  failWrites(
    status: number,
    times = 1,
    options: {
      skip?: number;
      ops?: Array<'set' | 'delete' | 'transaction'>;
      afterApply?: boolean;
    } = {},
  ): void {
    this.writeFaults.push({
      status,
      left: times,
      skip: options.skip ?? 0,
      ops: options.ops ?? ['set', 'transaction'],
      afterApply: options.afterApply ?? false,
    });
  }

  /** Drops write faults that have not fired yet. */
  clearWriteFaults(): void {
    this.writeFaults = [];
  }

  private injectedWriteFault(op: string, afterApply = false): KvsResult | undefined {
    const fault = this.writeFaults.find(
      (f) => f.left > 0 && f.ops.includes(op) && f.afterApply === afterApply,
    );
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

  /** Takes a seeded (or stored) key away, as if it had never been written. */
  unseed(key: string): void {
    this.data.delete(key);
  }

  keys(): string[] {
    return [...this.data.keys()].filter((k) => this.live(k) !== undefined).sort();
  }

  /** An entity's stored value, for assertions; not counted. */
  peekEntity(entityName: string, key: string): unknown {
    return this.entityData.get(entityName)?.get(key)?.value;
  }

  /** Stores an entity value for test setup (checked like a set); not counted. */
  seedEntity(entityName: string, key: string, value: unknown): void {
    const problem = this.checkEntity(entityName) ?? this.checkEntityValue(entityName, value);
    if (problem) throw new Error(`KVS emulator: ${JSON.stringify(problem.body)}`);
    const t = this.now();
    this.entityStore(entityName).set(key, {
      value: structuredClone(value),
      createdAt: t,
      updatedAt: t,
      expiresAt: undefined,
    });
  }

  /** Removes an entity value for test setup (a record as a scheme without entities left it). */
  clearEntity(entityName: string, key: string): void {
    this.entityData.get(entityName)?.delete(key);
  }

  /** Keys of one entity's stored values, sorted. */
  entityKeys(entityName: string): string[] {
    return [...(this.entityData.get(entityName)?.keys() ?? [])].sort();
  }

  private entityStore(entityName: string): Map<string, Entry> {
    let store = this.entityData.get(entityName);
    if (!store) {
      store = new Map();
      this.entityData.set(entityName, store);
    }
    return store;
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
    const write = WRITE_KINDS[op];
    const late = write ? this.injectedWriteFault(write, true) : undefined;
    const result = this.dispatch(op, body);
    return late && result.status < 300 ? late : result;
  }

  private dispatch(op: string, body: unknown): KvsResult {
    switch (op) {
      case 'get':
        return this.get(body);
      case 'set':
        return this.set(body);
      case 'delete':
        return this.delete(body);
      case 'entity/get':
        return this.entityGet(body);
      case 'entity/set':
        return this.entitySet(body);
      case 'entity/delete':
        return this.entityDelete(body);
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

  /** An entity name the manifest declares; anything else is refused. */
  private checkEntity(entityName: unknown): KvsResult | undefined {
    if (typeof entityName !== 'string' || entityName.length < 3)
      return error(400, 'ENTITY_TYPE_TOO_SHORT', 'The entity name needs at least 3 characters');
    if (entityName.length > 60)
      return error(400, 'ENTITY_TYPE_TOO_LARGE', 'The entity name has more than 60 characters');
    if (!this.entities.has(entityName))
      return error(
        400,
        'INVALID_ENTITY_TYPE',
        `Entity "${entityName}" is not declared in manifest.yml (app.storage.entities)`,
      );
    return undefined;
  }

  /** An entity value: an object of declared attributes, each of its declared type. */
  private checkEntityValue(entityName: string, value: unknown): KvsResult | undefined {
    const attributes = this.entities.get(entityName) ?? {};
    if (!isObject(value))
      return error(400, 'INVALID_ENTITY_VALUE', 'An entity value must be an object of attributes');
    for (const [name, v] of Object.entries(value)) {
      const type = attributes[name];
      if (!type)
        return error(
          400,
          'INVALID_ENTITY_VALUE',
          `Attribute "${name}" is not declared for entity "${entityName}"`,
        );
      const fits =
        type === 'any' ||
        (type === 'string' && typeof v === 'string') ||
        (type === 'boolean' && typeof v === 'boolean') ||
        (type === 'float' && typeof v === 'number' && Number.isFinite(v)) ||
        (type === 'integer' &&
          Number.isInteger(v) &&
          Number(v) >= INT32.min &&
          Number(v) <= INT32.max);
      if (!fits)
        return error(
          400,
          'INVALID_ENTITY_VALUE',
          `Attribute "${name}" of entity "${entityName}" must be of type ${type}`,
        );
    }
    const size = bodyBytes(value);
    if (size > MAX_VALUE_BYTES)
      return error(
        413,
        'VALUE_TOO_LARGE',
        `Value of ${size} bytes exceeds the ${MAX_VALUE_BYTES}-byte limit`,
      );
    return undefined;
  }

  /** Transaction conditions as @forge/kvs sends them: `{ and: [...] }` or `{ or: [...] }`. */
  private parseConditions(
    entityName: string,
    raw: unknown,
  ): { conditions: Conditions } | { problem: KvsResult } {
    if (!isObject(raw))
      return { problem: error(400, 'INVALID_REQUEST', 'Conditions must be an object') };
    const and = raw['and'];
    const or = raw['or'];
    if (and !== undefined && or !== undefined)
      return {
        problem: error(
          400,
          'INVALID_FILTER_OPERATORS_COMBINATION',
          'Filter operators "and" and "or" cannot be present at the same level',
        ),
      };
    const list = and ?? or;
    if (!Array.isArray(list) || list.length === 0)
      return {
        problem: error(
          400,
          'EMPTY_FILTER_OPERATOR',
          'Filter operators "and" and "or" cannot be empty',
        ),
      };
    const attributes = this.entities.get(entityName) ?? {};
    const filters: Filter[] = [];
    for (const f of list) {
      const condition = isObject(f) ? f['condition'] : undefined;
      const property = isObject(f) ? f['property'] : undefined;
      const values = isObject(f) ? f['values'] : undefined;
      if (
        typeof property !== 'string' ||
        !(property in attributes) ||
        typeof condition !== 'string' ||
        !(FILTER_CONDITIONS as readonly string[]).includes(condition) ||
        !Array.isArray(values) ||
        values.length === 0
      ) {
        return {
          problem: error(
            400,
            'INVALID_REQUEST',
            `A condition needs a declared attribute of "${entityName}", a known condition and its values: ${JSON.stringify(f)}`,
          ),
        };
      }
      if (condition === 'BETWEEN' && values.length < 2)
        return {
          problem: error(400, 'INSUFFICIENT_FILTER_VALUES', 'BETWEEN needs two values'),
        };
      filters.push({ property, condition: condition as Filter['condition'], values });
    }
    return { conditions: { operator: and !== undefined ? 'and' : 'or', filters } };
  }

  private conditionsHold(step: TransactionStep): boolean {
    if (!step.conditions || step.entityName === undefined) return true;
    const entry = this.entityData.get(step.entityName)?.get(step.key);
    if (step.kind === 'check' && !entry) return false;
    const attributes = isObject(entry?.value) ? entry.value : undefined;
    const results = step.conditions.filters.map((f) => filterHolds(f, attributes));
    return step.conditions.operator === 'and' ? results.every(Boolean) : results.some(Boolean);
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

  private entityGet(body: unknown): KvsResult {
    if (!isObject(body)) return error(400, 'INVALID_REQUEST', 'Body must be an object');
    const entityName = body['entityName'];
    const problem = this.checkEntity(entityName);
    if (problem) return problem;
    const key = this.checkKey(body['key']);
    if (typeof key !== 'string') return key;
    const entry = this.entityData.get(entityName as string)?.get(key);
    if (!entry) return error(404, 'KEY_NOT_FOUND', `Key ${key} of ${String(entityName)} not found`);
    return {
      status: 200,
      body: {
        key,
        entityName,
        value: structuredClone(entry.value),
        createdAt: entry.createdAt,
        updatedAt: entry.updatedAt,
      },
    };
  }

  private entitySet(body: unknown): KvsResult {
    if (!isObject(body)) return error(400, 'INVALID_REQUEST', 'Body must be an object');
    const entityName = body['entityName'];
    const problem = this.checkEntity(entityName);
    if (problem) return problem;
    const name = entityName as string;
    const key = this.checkKey(body['key']);
    if (typeof key !== 'string') return key;
    const invalid = this.checkEntityValue(name, body['value']);
    if (invalid) return invalid;
    const fault = this.injectedWriteFault('set');
    if (fault) return fault;
    const options = isObject(body['options']) ? body['options'] : {};
    const store = this.entityStore(name);
    const existing = store.get(key);
    if (options['keyPolicy'] === 'FAIL_IF_EXISTS' && existing)
      return error(409, 'KEY_CONFLICT', `Key ${key} of ${name} already exists`);
    const t = this.now();
    store.set(key, {
      value: structuredClone(body['value']),
      createdAt: existing?.createdAt ?? t,
      updatedAt: t,
      expiresAt: undefined,
    });
    return { status: 204 };
  }

  private entityDelete(body: unknown): KvsResult {
    if (!isObject(body)) return error(400, 'INVALID_REQUEST', 'Body must be an object');
    const entityName = body['entityName'];
    const problem = this.checkEntity(entityName);
    if (problem) return problem;
    const key = this.checkKey(body['key']);
    if (typeof key !== 'string') return key;
    const fault = this.injectedWriteFault('delete');
    if (fault) return fault;
    this.entityData.get(entityName as string)?.delete(key);
    return { status: 204 };
  }

  /**
   * Operations that all happen or none (transactions): at most 25 sets, deletes and checks in
   * all, each key (of the key-value store or of one entity) once, values within the value
   * limit, at most 4 MB in all. Conditions exist only for custom entities: a `check`, or
   * `conditions` on an entity set or delete; if one fails, nothing is applied.
   */
  private transaction(body: unknown): KvsResult {
    if (!isObject(body)) return error(400, 'INVALID_REQUEST', 'Body must be an object');
    const lists = { set: body['set'], delete: body['delete'], check: body['check'] };
    const items: Array<{ kind: TransactionStep['kind']; item: unknown }> = [];
    for (const kind of ['set', 'delete', 'check'] as const) {
      const list = lists[kind];
      if (list === undefined) continue;
      if (!Array.isArray(list)) return error(400, 'INVALID_REQUEST', `"${kind}" must be an array`);
      for (const item of list) items.push({ kind, item });
    }
    if (items.length === 0)
      return error(400, 'INVALID_REQUEST', 'A transaction needs an operation');
    if (items.length > MAX_TRANSACTION_OPS) {
      return error(
        400,
        'TOO_MANY_OPERATIONS',
        `A transaction may hold at most ${MAX_TRANSACTION_OPS} operations, not ${items.length}`,
      );
    }
    if (bodyBytes(body) > MAX_TRANSACTION_BYTES)
      return error(413, 'PAYLOAD_TOO_LARGE', 'A transaction may carry at most 4 MB');
    const seen = new Set<string>();
    const plan: TransactionStep[] = [];
    for (const { kind, item } of items) {
      if (!isObject(item)) return error(400, 'INVALID_REQUEST', 'Operations must be objects');
      const key = this.checkKey(item['key']);
      if (typeof key !== 'string') return key;
      const entityName = item['entityName'];
      if (entityName !== undefined) {
        const problem = this.checkEntity(entityName);
        if (problem) return problem;
      }
      const name = entityName as string | undefined;
      const id = `${name ?? ''}\u0000${key}`;
      if (seen.has(id))
        return error(
          400,
          'DUPLICATE_KEY',
          `Key ${key}${name ? ` of ${name}` : ''} appears twice in the transaction`,
        );
      seen.add(id);
      let conditions: Conditions | undefined;
      if (item['conditions'] !== undefined) {
        if (name === undefined)
          return error(
            400,
            'INVALID_REQUEST',
            `Conditions apply only to custom entities (key ${key} has no entityName)`,
          );
        const parsed = this.parseConditions(name, item['conditions']);
        if ('problem' in parsed) return parsed.problem;
        conditions = parsed.conditions;
      }
      if (kind === 'check' && (name === undefined || conditions === undefined))
        return error(400, 'INVALID_REQUEST', 'A check needs an entityName and conditions');
      if (kind === 'set') {
        if (item['value'] === undefined) return error(400, 'INVALID_VALUE', 'Value is required');
        if (name !== undefined) {
          const invalid = this.checkEntityValue(name, item['value']);
          if (invalid) return invalid;
        } else {
          const size = bodyBytes(item['value']);
          if (size > MAX_VALUE_BYTES) {
            return error(
              413,
              'VALUE_TOO_LARGE',
              `Value of ${size} bytes exceeds the ${MAX_VALUE_BYTES}-byte limit`,
            );
          }
        }
      }
      plan.push({ kind, key, entityName: name, value: item['value'], conditions });
    }
    const fault = this.injectedWriteFault('transaction');
    if (fault) return fault;
    const failed = plan.find((step) => !this.conditionsHold(step));
    if (failed) {
      return error(
        409,
        CONDITIONS_NOT_MET,
        `The conditions on ${failed.key} of ${failed.entityName ?? ''} are not met; nothing was written`,
      );
    }
    const t = this.now();
    for (const step of plan) {
      if (step.kind === 'check') continue;
      const store = step.entityName === undefined ? this.data : this.entityStore(step.entityName);
      if (step.kind === 'delete') {
        store.delete(step.key);
        continue;
      }
      const existing = step.entityName === undefined ? this.live(step.key) : store.get(step.key);
      store.set(step.key, {
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
      const entityName = isObject(item) ? item['entityName'] : undefined;
      if (entityName !== undefined) {
        const problem = this.checkEntity(entityName);
        if (problem) return problem;
      }
      const entry =
        entityName === undefined
          ? this.live(key)
          : this.entityData.get(entityName as string)?.get(key);
      const named = entityName === undefined ? {} : { entityName };
      if (entry) {
        successfulKeys.push({
          key,
          ...named,
          value: structuredClone(entry.value),
          createdAt: entry.createdAt,
          updatedAt: entry.updatedAt,
        });
      } else {
        failedKeys.push({
          key,
          ...named,
          error: { code: 'KEY_NOT_FOUND', message: `Key ${key} not found` },
        });
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

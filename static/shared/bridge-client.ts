import { invoke } from '@forge/bridge';
import {
  RESOLVER_RESULTS,
  type BridgeError,
  type PayloadOf,
  type ResolverKey,
  type Result,
  type ResultOf,
} from '@contract/bridge-contract';
import { fieldProblemsOf } from '@contract/result-atoms';

/**
 * The UI's one way to call a resolver: contract keys and payload types only, every answer
 * checked to be the contract's result envelope and its data parsed with the key's result schema
 * (RESOLVER_RESULTS). A failed call (network, bridge, a resolver that threw) becomes an
 * `internal` error result, so screens handle exactly one shape.
 */

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isBridgeError(value: unknown): value is BridgeError {
  return (
    isRecord(value) && typeof value['code'] === 'string' && typeof value['message'] === 'string'
  );
}

const FOREIGN: Result<never> = {
  ok: false,
  error: { code: 'internal', message: 'The app answered in a form this screen does not know.' },
};

/** Narrows an untyped resolver answer of `key` to the result envelope with checked data. */
export function asResult<K extends ResolverKey>(key: K, answer: unknown): Result<ResultOf<K>> {
  if (isRecord(answer)) {
    if (answer['ok'] === true && 'data' in answer) {
      const data = RESOLVER_RESULTS[key].safeParse(answer['data']);
      return data.success ? { ok: true, data: data.data as ResultOf<K> } : FOREIGN;
    }
    if (answer['ok'] === false && isBridgeError(answer['error'])) {
      return { ok: false, error: answer['error'] };
    }
  }
  return FOREIGN;
}

/** The field problems a refusal names, by path (the last message for a path repeated). */
export function fieldErrorsByPath(error: BridgeError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fieldProblemsOf(error.details)) out[f.path] = f.message;
  return out;
}

export async function callResolver<K extends ResolverKey>(
  key: K,
  payload: PayloadOf<K>,
): Promise<Result<ResultOf<K>>> {
  try {
    return asResult(key, await invoke<PayloadOf<K>, unknown>(key, payload));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      error: { code: 'internal', message: `The app could not be reached: ${detail}` },
    };
  }
}

import { invoke } from '@forge/bridge';
import type { BridgeError, PayloadOf, ResolverKey, Result } from '@contract/bridge-contract';

/**
 * The UI's one way to call a resolver: contract keys and payload types only, and every answer
 * checked to be the contract's result envelope. A failed call (network, bridge, a resolver that
 * threw) becomes an `internal` error result, so screens handle exactly one shape.
 */

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isBridgeError(value: unknown): value is BridgeError {
  return (
    isRecord(value) && typeof value['code'] === 'string' && typeof value['message'] === 'string'
  );
}

/** Narrows an untyped resolver answer to the result envelope. */
export function asResult(answer: unknown): Result<unknown> {
  if (isRecord(answer)) {
    if (answer['ok'] === true && 'data' in answer) return { ok: true, data: answer['data'] };
    if (answer['ok'] === false && isBridgeError(answer['error'])) {
      return { ok: false, error: answer['error'] };
    }
  }
  return {
    ok: false,
    error: { code: 'internal', message: 'The app answered in a form this screen does not know.' },
  };
}

export async function callResolver<K extends ResolverKey>(
  key: K,
  payload: PayloadOf<K>,
): Promise<Result<unknown>> {
  try {
    return asResult(await invoke<PayloadOf<K>, unknown>(key, payload));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      error: { code: 'internal', message: `The app could not be reached: ${detail}` },
    };
  }
}

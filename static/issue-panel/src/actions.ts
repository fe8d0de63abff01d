import type { PayloadOf, ResolverKey, ResultOf } from '@contract/bridge-contract';
import { callResolver } from '@ui/bridge-client';
import { useState } from 'react';

/**
 * One write from the panel: calls the resolver, shows its refusal in the resolver's own words,
 * and on success reloads the readiness (the checklist may have changed).
 */
export function useAction(reload: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run<K extends ResolverKey>(
    key: K,
    payload: PayloadOf<K>,
  ): Promise<{ ok: true; data: ResultOf<K> } | { ok: false }> {
    setBusy(true);
    setError(null);
    try {
      const result = await callResolver(key, payload);
      if (!result.ok) {
        setError(result.error.message);
        return { ok: false };
      }
      await reload();
      return { ok: true, data: result.data };
    } finally {
      setBusy(false);
    }
  }

  return { busy, error, run, clearError: () => setError(null) };
}

/** Today as yyyy-mm-dd in the person's own time zone. */
export function today(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

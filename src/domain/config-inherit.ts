import { CONFIG_SECTIONS, type Config, type ConfigOverride } from './config';

/**
 * An override holds only what differs from the settings it inherits: a value equal to the
 * inherited one is not an override (the project keeps following the global value when it changes).
 */

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The override without the settings whose value equals the inherited one. */
export function withoutInherited(inherited: Config, override: ConfigOverride): ConfigOverride {
  const out: Record<string, Record<string, unknown>> = {};
  for (const section of CONFIG_SECTIONS) {
    const own: Record<string, unknown> = override[section] ?? {};
    const base: Record<string, unknown> = inherited[section];
    const kept = Object.entries(own).filter(([key, value]) => !same(value, base[key]));
    if (kept.length > 0) out[section] = Object.fromEntries(kept);
  }
  return out;
}

import {
  DEFAULT_CONFIG,
  effectiveConfig,
  type Config,
  type ConfigOverride,
} from '../domain/config';
import type { SettingsEra } from '../domain/retro-flow';
import { configHistory, type GlobalRecord, type ProjectRecord } from '../storage/config-store';

/**
 * The project's settings over time, for judging each past sprint by the thresholds in force when
 * it ended: one era per saved version of the global settings or of the project's overrides (the
 * last 20 of each are kept), each the effective configuration from then on. Before the first
 * global version the defaults were in force; before a history's oldest kept version, its oldest.
 */
export async function settingsEras(projectKey: string): Promise<SettingsEra[]> {
  const [globals, overrides] = await Promise.all([
    configHistory({ kind: 'global' }),
    configHistory({ kind: 'project', projectKey }),
  ]);
  const global = globals.filter((r): r is GlobalRecord => 'settings' in r);
  const project = overrides.filter((r): r is ProjectRecord => 'override' in r);
  const times = [...new Set([...global, ...project].map((r) => r.updatedAt))].sort();
  const inForce = <R extends { updatedAt: string; version: number }>(records: R[], at: string) =>
    records.filter((r) => r.updatedAt <= at).sort((a, b) => b.version - a.version)[0];
  const eraAt = (at: string): Config => {
    const g = inForce(global, at);
    const o: ConfigOverride | undefined = inForce(project, at)?.override;
    return effectiveConfig(g?.settings ?? DEFAULT_CONFIG, o);
  };
  const eras = times.map((from) => ({ from, config: eraAt(from) }));
  // Before any saved version: the defaults, when the global history reaches back to version 1.
  const first = [...global].sort((a, b) => a.version - b.version)[0];
  if (eras.length > 0 && (global.length === 0 || first?.version === 1)) {
    eras.unshift({ from: new Date(0).toISOString(), config: eraAt(new Date(0).toISOString()) });
  }
  return eras;
}

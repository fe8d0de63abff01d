import type { Track } from './track';

/**
 * The pure part of setup: which issue types the track model needs, how a project's types map to
 * tracks, and which existing types conflict. No I/O here.
 */

export interface TrackTypeSpec {
  name: string;
  description: string;
}

/** The global issue types a company-managed dual-track project gets; all on the discovery track. */
export const TRACK_TYPES: readonly TrackTypeSpec[] = [
  {
    name: 'Discovery',
    description:
      'Dual Track: an idea or opportunity being explored with interviews, prototypes and experiments before anything is built.',
  },
  {
    name: 'Spike',
    description:
      'Dual Track: a time-boxed technical investigation with a scoped outcome (what it produces, how success is measured, its timebox).',
  },
  {
    name: 'Enabler',
    description:
      'Dual Track: engineering or architectural work that enables delivery; it needs a scoped outcome before it can enter a sprint.',
  },
];

/** The base level of Jira's issue type hierarchy (stories, tasks, bugs). */
export const BASE_LEVEL = 0;

export interface TypeInfo {
  id: string;
  name: string;
  hierarchyLevel: number;
  /** Set for a team-managed project's own type. */
  scopeProjectId?: string | undefined;
}

export interface MappedType {
  issueTypeId: string;
  name: string;
  track: Track;
}

const norm = (name: string) => name.trim().toLowerCase();

export function sameName(a: string, b: string): boolean {
  return norm(a) === norm(b);
}

export function isTrackTypeName(name: string): boolean {
  return TRACK_TYPES.some((t) => sameName(t.name, name));
}

/** The type with this name among `types`, ignoring team-managed projects' own types. */
export function findGlobalType(types: readonly TypeInfo[], name: string): TypeInfo | undefined {
  return types.find((t) => t.scopeProjectId === undefined && sameName(t.name, name));
}

/**
 * Track types that exist under the same name at another hierarchy level: setup cannot reuse
 * them and Jira will not create a second type with that name.
 */
export function hierarchyConflicts(types: readonly TypeInfo[]): TypeInfo[] {
  return TRACK_TYPES.map((spec) => findGlobalType(types, spec.name)).filter(
    (t): t is TypeInfo => t !== undefined && t.hierarchyLevel !== BASE_LEVEL,
  );
}

export function describeConflicts(conflicts: readonly TypeInfo[]): string {
  const parts = conflicts.map(
    (t) =>
      `"${t.name}" (issue type ${t.id}) exists at hierarchy level ${t.hierarchyLevel}, not at the base level 0 that setup needs`,
  );
  return `Setup cannot use the existing issue type${conflicts.length > 1 ? 's' : ''}: ${parts.join('; ')}. Nothing was changed. A Jira admin can rename the existing type (or remove it) and run setup again.`;
}

/** Company-managed: the track types are discovery, every other type of the project delivery. */
export function classicMapping(projectTypes: readonly TypeInfo[]): MappedType[] {
  return sortMapping(
    projectTypes.map((t) => ({
      issueTypeId: t.id,
      name: t.name,
      track: isTrackTypeName(t.name) ? 'discovery' : 'delivery',
    })),
  );
}

export type TeamMappingCheck =
  { ok: true; mapping: MappedType[]; defaulted: string[] } | { ok: false; foreign: string[] };

/**
 * Team-managed: the admin's choice for the named types; types not named stay on delivery.
 * Every named id must be one of the project's own types.
 */
export function teamMapping(
  projectTypes: readonly TypeInfo[],
  chosen: ReadonlyArray<{ issueTypeId: string; track: Track }>,
): TeamMappingCheck {
  const byId = new Map(projectTypes.map((t) => [t.id, t]));
  const foreign = chosen.filter((c) => !byId.has(c.issueTypeId)).map((c) => c.issueTypeId);
  if (foreign.length > 0) return { ok: false, foreign };
  const trackOf = new Map(chosen.map((c) => [c.issueTypeId, c.track]));
  const defaulted = projectTypes.filter((t) => !trackOf.has(t.id)).map((t) => t.name);
  return {
    ok: true,
    defaulted,
    mapping: sortMapping(
      projectTypes.map((t) => ({
        issueTypeId: t.id,
        name: t.name,
        track: trackOf.get(t.id) ?? 'delivery',
      })),
    ),
  };
}

export function sortMapping(mapping: readonly MappedType[]): MappedType[] {
  return [...mapping].sort((a, b) => Number(a.issueTypeId) - Number(b.issueTypeId));
}

export function sameMapping(a: readonly MappedType[], b: readonly MappedType[]): boolean {
  const sa = sortMapping(a);
  const sb = sortMapping(b);
  return (
    sa.length === sb.length &&
    sa.every((m, i) => {
      const o = sb[i];
      return (
        o !== undefined &&
        o.issueTypeId === m.issueTypeId &&
        o.name === m.name &&
        o.track === m.track
      );
    })
  );
}

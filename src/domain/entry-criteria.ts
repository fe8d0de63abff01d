import { z } from 'zod';
import type { Config } from './config';
import type { ValidationState } from './readiness';
import type { ItemKind, Track } from './track';

/**
 * Discovery entry criteria: why a piece of work belongs on the discovery track first. Every item
 * carries an uncertainty and a risk level (the Entry triage field); admins say which levels,
 * labels and components mean "explore first". A delivery item that meets the criteria is covered
 * once a validated discovery item or a finished spike is linked to it; until then it is flagged,
 * and the validators and the sprint guard may be set to stop it. Pure: the caller reads Jira.
 */

export const TRIAGE_LEVELS = ['low', 'medium', 'high'] as const;
export type TriageLevel = (typeof TRIAGE_LEVELS)[number];

/** Longest reason kept with a high level (one line). */
export const TRIAGE_REASON_MAX = 255;

/** The Entry triage field's value, as Jira stores it (every part optional until set). */
export const TriageSchema = z
  .object({
    uncertainty: z.enum(TRIAGE_LEVELS).optional(),
    risk: z.enum(TRIAGE_LEVELS).optional(),
    reason: z.string().max(TRIAGE_REASON_MAX).optional(),
  })
  .strict();
export type Triage = z.infer<typeof TriageSchema>;

/** What a person may submit for the field: both levels, and a reason whenever one is high. */
export const TriageInputSchema = z
  .object({
    uncertainty: z.enum(TRIAGE_LEVELS, { error: 'uncertainty must be low, medium or high' }),
    risk: z.enum(TRIAGE_LEVELS, { error: 'risk must be low, medium or high' }),
    reason: z
      .string({ error: 'reason must be text' })
      .trim()
      .max(TRIAGE_REASON_MAX, { error: `reason must be at most ${TRIAGE_REASON_MAX} characters` })
      .refine((r) => !/[\r\n]/.test(r), { error: 'reason must be one line' })
      .optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if ((t.uncertainty === 'high' || t.risk === 'high') && !t.reason) {
      ctx.addIssue({
        code: 'custom',
        path: ['reason'],
        message: 'a one-line reason is required when uncertainty or risk is high',
      });
    }
  });
export type TriageInput = z.infer<typeof TriageInputSchema>;

/** Reads a stored field value leniently: unknown parts are dropped, not fatal. */
export function readTriage(raw: unknown): Triage | undefined {
  if (raw === null || raw === undefined) return undefined;
  const parsed = TriageSchema.safeParse(raw);
  if (parsed.success) {
    const t = parsed.data;
    // An empty object (a cleared field) is no triage, as on the lenient path below.
    return t.uncertainty || t.risk || t.reason ? t : undefined;
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  const level = (v: unknown): TriageLevel | undefined =>
    TRIAGE_LEVELS.find((l) => typeof v === 'string' && v.toLowerCase() === l);
  const out: Triage = {};
  const u = level(r.uncertainty);
  const k = level(r.risk);
  if (u) out.uncertainty = u;
  if (k) out.risk = k;
  if (typeof r.reason === 'string') out.reason = r.reason.slice(0, TRIAGE_REASON_MAX);
  return out.uncertainty || out.risk || out.reason ? out : undefined;
}

/**
 * "Uncertainty high · Risk low — reason": the field's value as one line, the same text as the
 * field's formatter expression in manifest.yml shows in Jira's lists.
 */
export function describeTriage(triage: Triage): string {
  const levels = [
    triage.uncertainty ? `Uncertainty ${triage.uncertainty}` : undefined,
    triage.risk ? `Risk ${triage.risk}` : undefined,
  ].filter((p): p is string => p !== undefined);
  const reason = triage.reason?.trim();
  return `${levels.join(' · ')}${reason ? ` — ${reason}` : ''}`;
}

const RANK: Readonly<Record<TriageLevel, number>> = { low: 0, medium: 1, high: 2 };

/** A threshold setting: the lowest level that counts, or `off`. */
export type LevelThreshold = 'medium' | 'high' | 'off';

export function atLeast(level: TriageLevel | undefined, threshold: LevelThreshold): boolean {
  if (level === undefined || threshold === 'off') return false;
  return RANK[level] >= RANK[threshold];
}

/** The item's own facts the criteria look at. */
export interface EntryFacts {
  triage: Triage | undefined;
  labels: readonly string[];
  /** Component names. */
  components: readonly string[];
}

/** One reason an item meets the criteria, as a short phrase ("uncertainty high"). */
export interface EntryReason {
  kind: 'uncertainty' | 'risk' | 'label' | 'component';
  text: string;
}

/** Why the item belongs in discovery first; empty when it meets none of the criteria. */
export function entryReasons(facts: EntryFacts, entry: Config['entry']): EntryReason[] {
  const reasons: EntryReason[] = [];
  const u = facts.triage?.uncertainty;
  const r = facts.triage?.risk;
  if (u && atLeast(u, entry.uncertaintyAtLeast)) {
    reasons.push({ kind: 'uncertainty', text: `uncertainty ${u}` });
  }
  if (r && atLeast(r, entry.riskAtLeast)) {
    reasons.push({ kind: 'risk', text: `risk ${r}` });
  }
  const lower = (s: string) => s.trim().toLowerCase();
  const labels = new Set(facts.labels.map(lower));
  for (const label of entry.labels) {
    if (labels.has(lower(label))) reasons.push({ kind: 'label', text: `label "${label}"` });
  }
  const components = new Set(facts.components.map(lower));
  for (const component of entry.components) {
    if (components.has(lower(component))) {
      reasons.push({ kind: 'component', text: `component "${component}"` });
    }
  }
  return reasons;
}

/** A discovery-track issue linked to the item (either direction, any link type). */
export interface LinkedDiscovery {
  key: string;
  kind: ItemKind;
  track: Track;
  statusCategory: 'new' | 'indeterminate' | 'done';
  /** Ideas: the validation state of their evidence. */
  validation: ValidationState | undefined;
}

/** Does this linked item answer the discovery question: a validated idea or a finished spike. */
export function covers(link: LinkedDiscovery): boolean {
  if (link.track !== 'discovery') return false;
  if (link.kind === 'spike' || link.kind === 'enabler') return link.statusCategory === 'done';
  return link.validation === 'validated';
}

/** Is this linked item discovery still under way (what the delivery item is waiting on)? */
export function inProgress(link: LinkedDiscovery): boolean {
  if (link.track !== 'discovery' || covers(link)) return false;
  if (link.validation === 'invalidated') return false;
  return link.statusCategory !== 'done';
}

export type EntryVerdict =
  /** Discovery items, or delivery items meeting none of the criteria. */
  | { state: 'not-applicable'; reasons: [] }
  | { state: 'covered'; reasons: EntryReason[]; coveredBy: string }
  /** Meets the criteria; linked discovery under way. */
  | { state: 'waiting'; reasons: EntryReason[]; waitingOn: string[] }
  /** Meets the criteria with nothing linked that answers (or is answering) the question. */
  | { state: 'needs-discovery'; reasons: EntryReason[] };

export function checkEntry(input: {
  track: Track;
  facts: EntryFacts;
  linked: readonly LinkedDiscovery[];
  config: Config;
}): EntryVerdict {
  if (input.track !== 'delivery') return { state: 'not-applicable', reasons: [] };
  const reasons = entryReasons(input.facts, input.config.entry);
  if (reasons.length === 0) return { state: 'not-applicable', reasons: [] };
  const cover = input.linked.find(covers);
  if (cover) return { state: 'covered', reasons, coveredBy: cover.key };
  const waitingOn = input.linked.filter(inProgress).map((l) => l.key);
  if (waitingOn.length > 0) return { state: 'waiting', reasons, waitingOn };
  return { state: 'needs-discovery', reasons };
}

/** Does the verdict stop the item (flag it, refuse it, move it back)? */
export function entryBlocks(verdict: EntryVerdict): boolean {
  return verdict.state === 'needs-discovery' || verdict.state === 'waiting';
}

/** "uncertainty high, label "architecture"" */
export function describeReasons(reasons: readonly EntryReason[]): string {
  return reasons.map((r) => r.text).join(', ');
}

/** The project key an issue key belongs to ("DT-12" → "DT"). */
export function projectOfKey(key: string): string {
  const dash = key.lastIndexOf('-');
  return dash > 0 ? key.slice(0, dash) : key;
}

/**
 * Who reads a text written as the app about an item: anyone who may see that item. They may
 * browse its `project`, so they see the items of that project without an issue security level;
 * `unrestricted` holds the keys the app read and found without one.
 */
export interface TextReaders {
  project: string;
  unrestricted: ReadonlySet<string>;
}

/** The readers of a text about the item `key`, from what the app read of its linked items. */
export function readersOf(key: string, read: { unrestricted: ReadonlySet<string> }): TextReaders {
  return { project: projectOfKey(key), unrestricted: read.unrestricted };
}

/** Whether a text written as the app for `readers` may name the item `key`. */
export function mayName(key: string, readers: TextReaders): boolean {
  return projectOfKey(key) === readers.project && readers.unrestricted.has(key);
}

/**
 * Names issue keys for `readers`: a key of their project read without an issue security level
 * by name, every other one only counted ("an item you may not have access to"), because a text
 * written as the app reaches people who may not see it. Without readers (a text shown to the
 * person whose own read found the keys), every key is named.
 */
export function nameKeys(keys: readonly string[], readers?: TextReaders): string {
  if (readers === undefined) return keys.join(', ');
  const named = keys.filter((k) => mayName(k, readers));
  const hidden = keys.length - named.length;
  const parts = [...named];
  if (hidden === 1) parts.push('an item you may not have access to');
  if (hidden > 1) parts.push(`${hidden} items you may not have access to`);
  return parts.join(', ');
}

/**
 * One sentence for a person (comment, refusal, panel): why the item should go through discovery
 * first, and what would clear it. Texts written as the app pass the item's `readers` so that only
 * linked items every one of them may see are named.
 */
export function describeEntry(verdict: EntryVerdict, readers?: TextReaders): string {
  switch (verdict.state) {
    case 'not-applicable':
      return 'This item meets none of the discovery entry criteria.';
    case 'covered':
      return `Meets the discovery entry criteria (${describeReasons(verdict.reasons)}) and is covered by ${nameKeys([verdict.coveredBy], readers)}.`;
    case 'waiting':
      return `Meets the discovery entry criteria (${describeReasons(verdict.reasons)}) and is waiting on discovery ${nameKeys(verdict.waitingOn, readers)}: link a validated idea or a finished spike before delivery starts.`;
    case 'needs-discovery':
      return `Meets the discovery entry criteria (${describeReasons(verdict.reasons)}) but no validated discovery item or finished spike is linked: explore it first.`;
  }
}

import type { DataSection } from '../contract/bridge-contract';

/**
 * Every key family the app stores, in one registry: the builders the stores use, and for each
 * family the pattern of its keys and what a backup does with it (its section, or why it is left
 * out). test/security/backup-restore.test.ts fails when a builder makes a key no family names.
 */

/** Where the guard keeps one record per handled Jira event, in UTC day buckets. */
export const EVENT_PREFIX = 'guard:event:';

export const KEYS = {
  globalConfig: 'config:global',
  projectConfig: (projectKey: string) => `config:project:${projectKey}`,
  /** The discovery item templates as Jira admins edited them (global; absent: the built-ins). */
  discoveryTemplates: 'config:templates',
  revision: (scope: string, version: number) => `${scope}:rev:${version}`,
  jiraFields: 'app:jira-fields',
  trackMapping: (projectKey: string) => `track-mapping:${projectKey}`,
  setupReport: (projectKey: string) => `setup-report:${projectKey}`,
  trackMarking: (projectKey: string) => `track-marking:${projectKey}`,
  /** The discovery item "Explore first" created for a delivery item, by the item's id. */
  exploreFirst: (issueId: string) => `explore-first:${issueId}`,
  /** Who creates generation N of that record: claimed once, never reused. */
  exploreFirstClaim: (issueId: string, generation: number) =>
    `explore-first:${issueId}:claim:${generation}`,
  /** The latest "Promote to delivery" of a discovery item, by the item's id. */
  promotion: (issueId: string) => `promotion:${issueId}`,
  /** Held by the one invocation creating delivery items for that item. */
  promotionClaim: (issueId: string) => `promotion:${issueId}:claim`,
  /** A person's recent "New discovery item" requests, so that one is never created twice. */
  templateRequests: (accountId: string) => `template-requests:${accountId}`,
} as const;

export const AUDIT_KEYS = {
  head: (projectKey: string) => `audit:${projectKey}:head`,
  entry: (projectKey: string, seq: number) => `audit:${projectKey}:${seq}`,
} as const;

export const ENFORCEMENT_KEYS = {
  /** Site field ids only enforcement uses (Jira's "Flagged" field; null = the site has none). */
  fields: 'enforcement:jira-fields',
  /**
   * One per handled event: claimed, pending (a retry resumes it) or done; kept in the UTC day
   * bucket it was claimed in (`guard:event:20261102:<dedupeKey>`), so that old records can be
   * pruned by day (see sweepOldClaims).
   */
  event: (bucket: string, dedupeKey: string) => `${EVENT_PREFIX}${bucket}:${dedupeKey}`,
  /**
   * Taking over a stopped attempt of an event (claimed at `claimedAt`, in ms): created only if
   * new, so of two deliveries that find the same stopped attempt, one resumes it.
   */
  takeover: (eventKey: string, claimedAt: number) => `${eventKey}:takeover:${claimedAt}`,
  /** Created by the first claim of each hour; whoever creates it prunes the old buckets. */
  sweep: (bucket: string, hour: string) => `${EVENT_PREFIX}${bucket}:_sweep-${hour}`,
  /**
   * Per project: what the project admin is told about flagging there (Jira's edit screen in the
   * way of the Flagged field or the label; src/domain/flag-fallback.ts). Absent: nothing to say.
   */
  flagNotes: (projectKey: string) => `enforcement:flag-notes:${projectKey}`,
} as const;

export const EVIDENCE_KEYS = {
  log: (issueId: string) => `evidence:${issueId}`,
  /** Where the scheme before claimed version N; only removed now, never written. */
  legacyRevision: (issueId: string, version: number) =>
    KEYS.revision(`evidence:${issueId}`, version),
  partPrefix: (issueId: string) => `evidence:${issueId}:part:`,
  part: (issueId: string, version: number, writeId: string, index: number) =>
    `evidence:${issueId}:part:${version}:${writeId}:${index}`,
  summaryStale: (issueId: string) => `evidence:${issueId}:summary-stale`,
} as const;

export const ISSUE_NOTE_KEYS = {
  feasibility: (issueId: string) => `feasibility:${issueId}`,
  spikeNote: (issueId: string) => `spike-note:${issueId}`,
} as const;

/** Which waiting items were told a closed spike's decision: the spike's id, the item's id. */
export const SPIKE_DECISION_KEYS = {
  told: (issueId: string, waitingId: string) => `spike-decision:${issueId}:${waitingId}`,
} as const;

export const RETRO_OUTCOME_KEYS = {
  outcome: (issueId: string) => `retro-outcome:${issueId}`,
} as const;

/** Long work run through the queue (src/storage/job-store.ts), per kind and scope. */
export const JOB_KEYS = {
  job: (jobKind: string, projectKey: string) => `job:${jobKind}:${projectKey}`,
  /** Who starts generation N of that job: created once, so two requests start one job. */
  claim: (jobKind: string, projectKey: string, generation: number) =>
    `job:${jobKind}:${projectKey}:claim:${generation}`,
} as const;

/** The retro's stored figures per closed sprint, and a running job's items between steps. */
export const RETRO_FIGURE_KEYS = {
  figures: (projectKey: string) => `retro-figures:${projectKey}`,
  scratch: (projectKey: string, generation: number, part: number) =>
    `retro-scratch:${projectKey}:${generation}:${part}`,
} as const;

/** A running sprint-start job's lists between steps: the sprint's items, each part's plan. */
export const SPRINT_JOB_KEYS = {
  part: (sprintId: number, generation: number, list: 'items' | 'plan', part: number) =>
    `sprint-job:${sprintId}:${generation}:${list}:${part}`,
} as const;

export const WAIVER_KEYS = {
  book: (projectKey: string) => `waivers:${projectKey}`,
} as const;

/** What the project page keeps to read Jira less (src/storage/page-cache-store.ts). */
export const PAGE_CACHE_KEYS = {
  /** The project's issue types and its boards' estimation fields, as last read from Jira. */
  site: (projectKey: string) => `page-site:${projectKey}`,
  /** When the app last wrote to the project (any write through the app moves it). */
  written: (projectKey: string) => `page-written:${projectKey}`,
  /** The shared overviews of the project: which exist, for whom, until when. */
  head: (projectKey: string) => `page-shared:${projectKey}`,
  /** One part of a shared overview (a value holds at most 240 KiB). */
  part: (projectKey: string, writeId: string, index: number) =>
    `page-shared:${projectKey}:${writeId}:${index}`,
} as const;

const PROJECT = '[A-Z][A-Z0-9_]{0,254}';
const ISSUE_ID = '[0-9]{1,18}';
const REV = ':rev:([1-9][0-9]{0,8})';

/** What a backup does with a family: exports it in a section, or leaves it out, and why. */
export type Backup =
  | { section: DataSection }
  /** Written only by the scheme before; accepted in an older backup, never exported or written. */
  | { section: DataSection; legacy: string }
  | { leftOut: string };

export interface KeyFamily {
  /** The builder that makes its keys (`KEYS.globalConfig`, `AUDIT_KEYS.entry`, ...). */
  builder: string;
  pattern: RegExp;
  backup: Backup;
}

const re = (source: string): RegExp => new RegExp(`^${source}$`);
const TRANSIENT_CLAIM =
  'a claim of an invocation creating items right now: transient, taken over when stale';
const LEGACY_VERSION_CLAIM =
  'version claims of the scheme before conditional writes (decision 12): obsolete';

export const KEY_FAMILIES = {
  globalConfig: {
    builder: 'KEYS.globalConfig',
    pattern: /^config:global$/,
    backup: { section: 'config' },
  },
  globalConfigRevision: {
    builder: 'KEYS.revision',
    pattern: re(`config:global${REV}`),
    backup: { section: 'config' },
  },
  projectConfig: {
    builder: 'KEYS.projectConfig',
    pattern: re(`config:project:(${PROJECT})`),
    backup: { section: 'config' },
  },
  projectConfigRevision: {
    builder: 'KEYS.revision',
    pattern: re(`config:project:(${PROJECT})${REV}`),
    backup: { section: 'config' },
  },
  templates: {
    builder: 'KEYS.discoveryTemplates',
    pattern: /^config:templates$/,
    backup: { section: 'config' },
  },
  templatesRevision: {
    builder: 'KEYS.revision',
    pattern: re(`config:templates${REV}`),
    backup: { section: 'config' },
  },
  jiraFields: {
    builder: 'KEYS.jiraFields',
    pattern: /^app:jira-fields$/,
    backup: {
      leftOut: "the site's field ids: another site has other ids, and setup finds them again",
    },
  },
  enforcementFields: {
    builder: 'ENFORCEMENT_KEYS.fields',
    pattern: /^enforcement:jira-fields$/,
    backup: { leftOut: "the site's Flagged field id: another site has another, found again" },
  },
  trackMapping: {
    builder: 'KEYS.trackMapping',
    pattern: re(`track-mapping:(${PROJECT})`),
    backup: { section: 'track-mapping' },
  },
  setupReport: {
    builder: 'KEYS.setupReport',
    pattern: re(`setup-report:(${PROJECT})`),
    backup: { section: 'setup-report' },
  },
  trackMarking: {
    builder: 'KEYS.trackMarking',
    pattern: re(`track-marking:(${PROJECT})`),
    backup: { section: 'track-marking' },
  },
  exploreFirst: {
    builder: 'KEYS.exploreFirst',
    pattern: re(`explore-first:(${ISSUE_ID})`),
    backup: { section: 'explore-first' },
  },
  exploreFirstClaim: {
    builder: 'KEYS.exploreFirstClaim',
    pattern: re(`explore-first:${ISSUE_ID}:claim:[0-9]+`),
    backup: { leftOut: TRANSIENT_CLAIM },
  },
  promotion: {
    builder: 'KEYS.promotion',
    pattern: re(`promotion:(${ISSUE_ID})`),
    backup: { section: 'promotion' },
  },
  promotionClaim: {
    builder: 'KEYS.promotionClaim',
    pattern: re(`promotion:${ISSUE_ID}:claim`),
    backup: { leftOut: TRANSIENT_CLAIM },
  },
  templateRequests: {
    builder: 'KEYS.templateRequests',
    pattern: /^template-requests:[\w:-]+$/,
    backup: {
      leftOut:
        "a person's recent New discovery item requests, kept to answer a repeated one: transient",
    },
  },
  auditHead: {
    builder: 'AUDIT_KEYS.head',
    pattern: re(`audit:(${PROJECT}):head`),
    backup: { section: 'audit' },
  },
  auditEntry: {
    builder: 'AUDIT_KEYS.entry',
    pattern: re(`audit:(${PROJECT}):(0|[1-9][0-9]{0,11})`),
    backup: { section: 'audit' },
  },
  guardEvent: {
    builder: 'ENFORCEMENT_KEYS.event',
    pattern: /^guard:event:[0-9]{8}:(?!_sweep-)(?!.*:takeover:[0-9]+$).+$/,
    backup: { leftOut: 'which Jira events were handled: transient de-duplication, pruned by day' },
  },
  guardTakeover: {
    builder: 'ENFORCEMENT_KEYS.takeover',
    pattern: /^guard:event:[0-9]{8}:.+:takeover:[0-9]+$/,
    backup: { leftOut: 'which delivery resumed a stopped event: transient, pruned by day' },
  },
  guardSweep: {
    builder: 'ENFORCEMENT_KEYS.sweep',
    pattern: /^guard:event:[0-9]{8}:_sweep-[0-9]{2}$/,
    backup: { leftOut: 'who prunes old event records this hour: transient' },
  },
  flagNotes: {
    builder: 'ENFORCEMENT_KEYS.flagNotes',
    pattern: re(`enforcement:flag-notes:(${PROJECT})`),
    backup: { section: 'enforcement' },
  },
  evidenceLog: {
    builder: 'EVIDENCE_KEYS.log',
    pattern: re(`evidence:(${ISSUE_ID})`),
    backup: { section: 'evidence' },
  },
  evidenceRevision: {
    builder: 'EVIDENCE_KEYS.legacyRevision',
    pattern: re(`evidence:(${ISSUE_ID})${REV}`),
    backup: { section: 'evidence', legacy: LEGACY_VERSION_CLAIM },
  },
  evidencePart: {
    builder: 'EVIDENCE_KEYS.part',
    pattern: re(`evidence:(${ISSUE_ID}):part:([1-9][0-9]{0,8}):([a-f0-9]{12}):([0-9]{1,2})`),
    backup: { section: 'evidence' },
  },
  evidenceSummaryStale: {
    builder: 'EVIDENCE_KEYS.summaryStale',
    pattern: re(`evidence:(${ISSUE_ID}):summary-stale`),
    backup: { section: 'evidence' },
  },
  feasibility: {
    builder: 'ISSUE_NOTE_KEYS.feasibility',
    pattern: re(`feasibility:(${ISSUE_ID})`),
    backup: { section: 'feasibility' },
  },
  spikeNote: {
    builder: 'ISSUE_NOTE_KEYS.spikeNote',
    pattern: re(`spike-note:(${ISSUE_ID})`),
    backup: { section: 'spike-note' },
  },
  retroOutcome: {
    builder: 'RETRO_OUTCOME_KEYS.outcome',
    pattern: re(`retro-outcome:(${ISSUE_ID})`),
    backup: { section: 'retro-outcome' },
  },
  spikeDecisionTold: {
    builder: 'SPIKE_DECISION_KEYS.told',
    pattern: re(`spike-decision:(${ISSUE_ID}):(${ISSUE_ID})`),
    backup: {
      leftOut:
        'which waiting items were told a closed spike’s decision: a restored site may tell them once more',
    },
  },
  pageSite: {
    builder: 'PAGE_CACHE_KEYS.site',
    pattern: re(`page-site:(${PROJECT})`),
    backup: { leftOut: "the site's issue types and board estimation, read again from Jira" },
  },
  pageWritten: {
    builder: 'PAGE_CACHE_KEYS.written',
    pattern: re(`page-written:(${PROJECT})`),
    backup: { leftOut: 'when the app last wrote to a project: only dates shared overviews' },
  },
  pageSharedHead: {
    builder: 'PAGE_CACHE_KEYS.head',
    pattern: re(`page-shared:(${PROJECT})`),
    backup: { leftOut: 'shared project overviews: read again from Jira within a minute' },
  },
  pageSharedPart: {
    builder: 'PAGE_CACHE_KEYS.part',
    pattern: re(`page-shared:(${PROJECT}):[a-f0-9]{12}:[0-9]{1,2}`),
    backup: { leftOut: 'shared project overviews: read again from Jira within a minute' },
  },
  job: {
    builder: 'JOB_KEYS.job',
    pattern: re(`job:(?:retro:(${PROJECT})|sprint-start:sprint-[0-9]{1,18})`),
    backup: { leftOut: 'a job in flight and its progress: transient, started again on demand' },
  },
  jobClaim: {
    builder: 'JOB_KEYS.claim',
    pattern: re(`job:(?:retro:${PROJECT}|sprint-start:sprint-[0-9]{1,18}):claim:[0-9]{1,9}`),
    backup: { leftOut: 'who started a job: transient' },
  },
  retroFigures: {
    builder: 'RETRO_FIGURE_KEYS.figures',
    pattern: re(`retro-figures:(${PROJECT})`),
    backup: { leftOut: "closed sprints' retro figures: computed again from Jira on the next load" },
  },
  retroScratch: {
    builder: 'RETRO_FIGURE_KEYS.scratch',
    pattern: re(`retro-scratch:(${PROJECT}):[0-9]{1,9}:[0-9]{1,6}`),
    backup: { leftOut: 'items a running retro job has read so far: transient' },
  },
  sprintJobPart: {
    builder: 'SPRINT_JOB_KEYS.part',
    pattern: /^sprint-job:[0-9]{1,18}:[0-9]{1,9}:(?:items|plan):[0-9]{1,6}$/,
    backup: { leftOut: "a running sprint-start check's item lists and plans: transient" },
  },
  waiverBook: {
    builder: 'WAIVER_KEYS.book',
    pattern: re(`waivers:(${PROJECT})`),
    backup: { section: 'waivers' },
  },
  waiverRevision: {
    builder: 'KEYS.revision',
    pattern: re(`waivers:(${PROJECT})${REV}`),
    backup: { section: 'waivers', legacy: LEGACY_VERSION_CLAIM },
  },
} as const satisfies Record<string, KeyFamily>;

export type FamilyName = keyof typeof KEY_FAMILIES;

/** The family a stored key belongs to, if any. */
export function familyOf(key: string): { name: FamilyName; family: KeyFamily } | undefined {
  for (const [name, family] of Object.entries(KEY_FAMILIES) as Array<[FamilyName, KeyFamily]>) {
    if (family.pattern.test(key)) return { name, family };
  }
  return undefined;
}

import type { z } from 'zod';
import { type DataSection } from '../contract/bridge-contract';
import { AuditEntrySchema, AuditHeadSchema } from '../storage/audit-store';
import { GlobalRecordSchema, ProjectRecordSchema } from '../storage/config-store';
import {
  EvidenceHeadSchema,
  EvidencePartSchema,
  SummaryStaleSchema,
} from '../storage/evidence-store';
import { TemplatesRecordSchema } from '../storage/template-store';
import { FlagNotesSchema } from '../domain/flag-fallback';
import { ExploreRecordSchema } from '../storage/explore-store';
import { FeasibilityRecordSchema, SpikeNoteSchema } from '../storage/issue-notes-store';
import { PromotionRecordSchema } from '../storage/promotion-store';
import { OutcomeStoredSchema } from '../storage/retro-outcome-store';
import {
  SetupReportSchema,
  TrackMappingSchema,
  TrackMarkingCheckpointSchema,
} from '../storage/track-mapping-store';
import { WaiverBookSchema } from '../storage/waiver-store';

/**
 * Every key family a backup carries: its section, the pattern of its keys, the schema of its
 * values and the cross-checks between key and value. A key no rule names is refused on import.
 */

const PROJECT = '[A-Z][A-Z0-9_]{0,254}';
const ISSUE_ID = '[0-9]{1,18}';
const REV = ':rev:([1-9][0-9]{0,8})';

/** An evidence log's head, and one part of a log kept in parts (see evidence-store.ts). */
export const EVIDENCE_HEAD = new RegExp(`^evidence:(${ISSUE_ID})$`);
export const EVIDENCE_PART = new RegExp(
  `^evidence:(${ISSUE_ID}):part:([1-9][0-9]{0,8}):([a-f0-9]{12}):([0-9]{1,2})$`,
);

export type KeyRule = {
  section: DataSection;
  pattern: RegExp;
  schema: z.ZodType;
  /** Cross-checks between the key and the value (the version a revision key names, ...). */
  check?: (match: RegExpExecArray, value: Record<string, unknown>) => string | undefined;
  /**
   * A record whose version lives in a version entity beside it (versioned-record.ts): an
   * import writes the two together, with the version the value carries, and removes them
   * together.
   */
  versioned?: true;
  /** The value's field that carries its version, when not `version` (absent in a value: 0). */
  versionField?: string;
  /**
   * A key only the scheme before wrote (the version claims of waivers and evidence): never
   * exported; accepted in an older document, checked, and not written (reported as ignored).
   */
  legacy?: true;
};

const versionIs = (group: number) => (m: RegExpExecArray, v: Record<string, unknown>) =>
  v['version'] === Number(m[group]) ? undefined : `version must be ${m[group]}, as the key says`;

export const KEY_RULES: readonly KeyRule[] = [
  { section: 'config', pattern: /^config:global$/, schema: GlobalRecordSchema, versioned: true },
  {
    section: 'config',
    pattern: new RegExp(`^config:global${REV}$`),
    schema: GlobalRecordSchema,
    check: versionIs(1),
  },
  {
    section: 'config',
    pattern: new RegExp(`^config:project:(${PROJECT})$`),
    schema: ProjectRecordSchema,
    versioned: true,
    check: (m, v) =>
      v['projectKey'] === undefined || v['projectKey'] === m[1]
        ? undefined
        : `projectKey must be ${m[1]}, as the key says`,
  },
  {
    section: 'config',
    pattern: new RegExp(`^config:project:(${PROJECT})${REV}$`),
    schema: ProjectRecordSchema,
    check: versionIs(2),
  },
  {
    section: 'config',
    pattern: /^config:templates$/,
    schema: TemplatesRecordSchema,
    versioned: true,
  },
  {
    section: 'config',
    pattern: new RegExp(`^config:templates${REV}$`),
    schema: TemplatesRecordSchema,
    check: versionIs(1),
  },
  {
    section: 'waivers',
    pattern: new RegExp(`^waivers:(${PROJECT})$`),
    schema: WaiverBookSchema,
    versioned: true,
  },
  {
    section: 'waivers',
    pattern: new RegExp(`^waivers:(${PROJECT})${REV}$`),
    schema: WaiverBookSchema,
    check: versionIs(2),
    legacy: true,
  },
  { section: 'audit', pattern: new RegExp(`^audit:(${PROJECT}):head$`), schema: AuditHeadSchema },
  {
    section: 'audit',
    pattern: new RegExp(`^audit:(${PROJECT}):(0|[1-9][0-9]{0,11})$`),
    schema: AuditEntrySchema,
    check: (m, v) =>
      v['seq'] === Number(m[2]) ? undefined : `seq must be ${m[2]}, as the key says`,
  },
  {
    section: 'evidence',
    pattern: EVIDENCE_HEAD,
    schema: EvidenceHeadSchema,
    versioned: true,
    check: (m, v) =>
      v['issueId'] === m[1] ? undefined : `issueId must be ${m[1]}, as the key says`,
  },
  {
    section: 'evidence',
    pattern: new RegExp(`^evidence:(${ISSUE_ID})${REV}$`),
    schema: EvidenceHeadSchema,
    check: versionIs(2),
    legacy: true,
  },
  {
    section: 'evidence',
    pattern: EVIDENCE_PART,
    schema: EvidencePartSchema,
    check: (m, v) =>
      v['issueId'] === m[1] &&
      v['version'] === Number(m[2]) &&
      v['writeId'] === m[3] &&
      v['index'] === Number(m[4])
        ? undefined
        : `issueId, version, writeId and index must be ${m[1]}, ${m[2]}, ${m[3]} and ${m[4]}, as the key says`,
  },
  {
    section: 'evidence',
    pattern: new RegExp(`^evidence:(${ISSUE_ID}):summary-stale$`),
    schema: SummaryStaleSchema,
  },
  // Per item: feasibility reviews, spike notes, retro outcome checks, what Explore first created
  // and the promotions made (their claims are transient and never exported).
  {
    section: 'feasibility',
    pattern: new RegExp(`^feasibility:(${ISSUE_ID})$`),
    schema: FeasibilityRecordSchema,
    versioned: true,
  },
  {
    section: 'spike-note',
    pattern: new RegExp(`^spike-note:(${ISSUE_ID})$`),
    schema: SpikeNoteSchema,
  },
  {
    section: 'retro-outcome',
    pattern: new RegExp(`^retro-outcome:(${ISSUE_ID})$`),
    schema: OutcomeStoredSchema,
    versioned: true,
    versionField: 'revision',
  },
  {
    section: 'explore-first',
    pattern: new RegExp(`^explore-first:(${ISSUE_ID})$`),
    schema: ExploreRecordSchema,
    versioned: true,
    versionField: 'revision',
  },
  {
    section: 'promotion',
    pattern: new RegExp(`^promotion:(${ISSUE_ID})$`),
    schema: PromotionRecordSchema,
  },
  // Per project: the type-to-track mapping (without it the guard takes the project as not set
  // up), the last setup report, the track marker's checkpoint and the flag notes.
  {
    section: 'track-mapping',
    pattern: new RegExp(`^track-mapping:(${PROJECT})$`),
    schema: TrackMappingSchema,
    check: (m, v) =>
      v['projectKey'] === m[1] ? undefined : `projectKey must be ${m[1]}, as the key says`,
  },
  {
    section: 'setup-report',
    pattern: new RegExp(`^setup-report:(${PROJECT})$`),
    schema: SetupReportSchema,
    check: (m, v) =>
      v['projectKey'] === m[1] ? undefined : `projectKey must be ${m[1]}, as the key says`,
  },
  {
    section: 'track-marking',
    pattern: new RegExp(`^track-marking:(${PROJECT})$`),
    schema: TrackMarkingCheckpointSchema,
  },
  {
    section: 'enforcement',
    pattern: new RegExp(`^enforcement:flag-notes:(${PROJECT})$`),
    schema: FlagNotesSchema,
  },
];

/** Each section's keys begin with its name. */

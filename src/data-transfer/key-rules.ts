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
import { KEY_FAMILIES, type FamilyName, type KeyFamily } from '../storage/key-families';

/**
 * Every key family a backup carries: its section, the pattern of its keys, the schema of its
 * values and the cross-checks between key and value. A key no rule names is refused on import.
 */

/** An evidence log's head, and one part of a log kept in parts (see evidence-store.ts). */
export const EVIDENCE_HEAD = KEY_FAMILIES.evidenceLog.pattern;
export const EVIDENCE_PART = KEY_FAMILIES.evidencePart.pattern;

export type KeyRule = {
  /** The registry's family (src/storage/key-families.ts) the rule reads and writes. */
  family: FamilyName;
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

type RuleDetail = Omit<KeyRule, 'family' | 'section' | 'pattern' | 'legacy'>;

/** A family's rule: section, pattern and legacy mark from the registry, the rest given here. */
function ruleOf(family: FamilyName, detail: RuleDetail): KeyRule {
  const { pattern, backup }: KeyFamily = KEY_FAMILIES[family];
  if (!('section' in backup))
    throw new Error(`${family} is left out of backups: ${backup.leftOut}`);
  return {
    family,
    section: backup.section,
    pattern,
    ...('legacy' in backup ? { legacy: true } : {}),
    ...detail,
  };
}

export const KEY_RULES: readonly KeyRule[] = [
  ruleOf('globalConfig', { schema: GlobalRecordSchema, versioned: true }),
  ruleOf('globalConfigRevision', { schema: GlobalRecordSchema, check: versionIs(1) }),
  ruleOf('projectConfig', {
    schema: ProjectRecordSchema,
    versioned: true,
    check: (m, v) =>
      v['projectKey'] === undefined || v['projectKey'] === m[1]
        ? undefined
        : `projectKey must be ${m[1]}, as the key says`,
  }),
  ruleOf('projectConfigRevision', { schema: ProjectRecordSchema, check: versionIs(2) }),
  ruleOf('templates', { schema: TemplatesRecordSchema, versioned: true }),
  ruleOf('templatesRevision', { schema: TemplatesRecordSchema, check: versionIs(1) }),
  ruleOf('waiverBook', { schema: WaiverBookSchema, versioned: true }),
  ruleOf('waiverRevision', { schema: WaiverBookSchema, check: versionIs(2) }),
  ruleOf('auditHead', { schema: AuditHeadSchema, versioned: true, versionField: 'revision' }),
  ruleOf('auditEntry', {
    schema: AuditEntrySchema,
    check: (m, v) =>
      v['seq'] === Number(m[2]) ? undefined : `seq must be ${m[2]}, as the key says`,
  }),
  ruleOf('evidenceLog', {
    schema: EvidenceHeadSchema,
    versioned: true,
    check: (m, v) =>
      v['issueId'] === m[1] ? undefined : `issueId must be ${m[1]}, as the key says`,
  }),
  ruleOf('evidenceRevision', { schema: EvidenceHeadSchema, check: versionIs(2) }),
  ruleOf('evidencePart', {
    schema: EvidencePartSchema,
    check: (m, v) =>
      v['issueId'] === m[1] &&
      v['version'] === Number(m[2]) &&
      v['writeId'] === m[3] &&
      v['index'] === Number(m[4])
        ? undefined
        : `issueId, version, writeId and index must be ${m[1]}, ${m[2]}, ${m[3]} and ${m[4]}, as the key says`,
  }),
  ruleOf('evidenceSummaryStale', { schema: SummaryStaleSchema }),
  // Per item: feasibility reviews, spike notes, retro outcome checks, what Explore first created
  // and the promotions made (their claims are transient and never exported).
  ruleOf('feasibility', { schema: FeasibilityRecordSchema, versioned: true }),
  ruleOf('spikeNote', { schema: SpikeNoteSchema }),
  ruleOf('retroOutcome', {
    schema: OutcomeStoredSchema,
    versioned: true,
    versionField: 'revision',
  }),
  ruleOf('exploreFirst', {
    schema: ExploreRecordSchema,
    versioned: true,
    versionField: 'revision',
  }),
  ruleOf('promotion', { schema: PromotionRecordSchema }),
  // Per project: the type-to-track mapping (without it the guard takes the project as not set
  // up), the last setup report, the track marker's checkpoint and the flag notes.
  ruleOf('trackMapping', {
    schema: TrackMappingSchema,
    check: (m, v) =>
      v['projectKey'] === m[1] ? undefined : `projectKey must be ${m[1]}, as the key says`,
  }),
  ruleOf('setupReport', {
    schema: SetupReportSchema,
    check: (m, v) =>
      v['projectKey'] === m[1] ? undefined : `projectKey must be ${m[1]}, as the key says`,
  }),
  ruleOf('trackMarking', { schema: TrackMarkingCheckpointSchema }),
  ruleOf('flagNotes', { schema: FlagNotesSchema }),
];

/** Each section's keys begin with its name. */

import { z } from 'zod';
import type { Config } from '../domain/config';
import type { JiraGateway } from '../jira/jira-gateway';
import { trackResolver } from '../items/project-items';
import { readProjectContext, type ProjectContext } from '../storage/project-context';
import { readEvidence } from '../storage/evidence-store';
import { changeEvidence } from '../storage/evidence-write';
import { refreshSummaryField, type SummaryFieldWrite } from '../items/evidence-field';
import {
  applyChange,
  countEvidence,
  newestFirst,
  validationOf,
  type Actor,
  type ChangeRefusal,
  type EvidenceChange,
  type EvidenceContent,
  type EvidenceCounts,
  type EvidenceEntry,
  type ValidationView,
} from '../domain/evidence-log';

/**
 * The evidence log use cases: list it, change it. Every change is saved first and then shown
 * in the app's read-only "Discovery evidence" field. If that field write fails, the saved
 * change stands, a stale marker is stored and the answer says so; the next change rewrites it.
 * More: docs/internals.md#evidence-evidence-service-ts.
 */

export interface IssueRef {
  id: string;
  key: string;
}

export interface EvidenceView {
  issue: IssueRef;
  version: number;
  /** Newest first. */
  entries: EvidenceEntry[];
  counts: EvidenceCounts;
  validation: ValidationView;
  rules: Config['validation'];
  summaryField: { stale: boolean; reason?: string | undefined };
}

export type { SummaryFieldWrite };

export type ChangeResult =
  | {
      ok: true;
      entryId: string | undefined;
      evidence: EvidenceView;
      summaryField: SummaryFieldWrite;
    }
  | {
      ok: false;
      code: 'invalid-input' | 'not-found' | 'conflict';
      message: string;
      details?: unknown;
    };

function view(
  issue: IssueRef,
  version: number,
  content: EvidenceContent,
  rules: Config['validation'],
  stale: { stale: boolean; reason?: string | undefined },
): EvidenceView {
  return {
    issue,
    version,
    entries: newestFirst(content.entries),
    counts: countEvidence(content.entries),
    validation: validationOf(content, rules),
    rules,
    summaryField: stale,
  };
}

/** The log, counts, validation state and shortfalls, with the project's effective settings. */
export async function listEvidence(issue: IssueRef, projectKey: string): Promise<EvidenceView> {
  const [context, stored] = await Promise.all([
    readProjectContext(projectKey),
    readEvidence(issue.id),
  ]);
  return view(
    issue,
    stored.version,
    stored.content,
    context.config.validation,
    stored.summaryStale ? { stale: true, reason: stored.summaryStale.reason } : { stale: false },
  );
}

const IssueTypeSchema = z
  .object({
    fields: z
      .object({ issuetype: z.object({ id: z.string(), name: z.string() }).passthrough() })
      .passthrough(),
  })
  .passthrough();

/** The refusal for an issue whose type is on the delivery track of the project, if it is. */
function notDiscovery(
  issue: IssueRef,
  raw: unknown,
  context: ProjectContext,
): ChangeResult | undefined {
  const type = IssueTypeSchema.parse(raw).fields.issuetype;
  const tracks = trackResolver(context.mapping, context.config.tracks.discoveryTypeNames);
  if (tracks.trackOf(type.id, type.name) === 'discovery') return undefined;
  const message = `${issue.key} is a ${type.name}, an item of the delivery track: evidence is recorded on discovery items only.`;
  return {
    ok: false,
    code: 'invalid-input',
    message,
    details: { fields: [{ path: 'issue', message }] },
  };
}

export async function changeEvidenceLog(
  actor: Actor,
  issue: IssueRef,
  projectKey: string,
  change: EvidenceChange,
  jiraAsCaller: JiraGateway,
  /**
   * `discovery`: the caller has checked the issue is a discovery item (an idea of a connected
   * JPD space), so its type is not read again; otherwise the project's tracks decide.
   */
  known?: 'discovery',
): Promise<ChangeResult> {
  const [context, raw] = await Promise.all([
    readProjectContext(projectKey),
    known === 'discovery' ? undefined : jiraAsCaller.getIssue(issue.key, ['issuetype']),
  ]);
  const refusal = raw === undefined ? undefined : notDiscovery(issue, raw, context);
  if (refusal) return refusal;
  const rules = context.config.validation;
  const saved = await changeEvidence<string | undefined, ChangeRefusal>({
    issueId: issue.id,
    accountId: actor.accountId,
    now: actor.now,
    change: (content) => {
      const outcome = applyChange(content, change, actor);
      return outcome.ok
        ? { ok: true, content: outcome.content, detail: outcome.entryId }
        : { ok: false, refusal: outcome.refusal };
    },
  });
  switch (saved.status) {
    case 'refused': {
      const refusal = saved.refusal;
      return refusal.code === 'invalid-input'
        ? {
            ok: false,
            code: 'invalid-input',
            message: refusal.message,
            details: { fields: [{ path: refusal.field, message: refusal.message }] },
          }
        : { ok: false, code: 'not-found', message: refusal.message };
    }
    case 'full':
    case 'busy':
      return { ok: false, code: 'conflict', message: saved.message };
    case 'saved':
      break;
  }
  const log = saved.log;
  const summaryField = await refreshSummaryField(
    log,
    rules,
    context.fields,
    actor.now,
    saved.summaryStale?.version,
  );
  return {
    ok: true,
    entryId: saved.detail,
    evidence: view(
      issue,
      log.version,
      log,
      rules,
      summaryField.status === 'stale'
        ? { stale: true, reason: summaryField.message }
        : { stale: false },
    ),
    summaryField,
  };
}

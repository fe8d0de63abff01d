import { z } from 'zod';
import type { ScopedOutcome } from '../domain/track';
import type { LinkTypeInfo } from '../domain/link-type';
import { readTriage, type Triage } from '../domain/entry-criteria';
import { appFieldIds } from '../items/app-fields';
import { linkItems } from '../items/create-and-link';
import { readScopedOutcome } from '../items/scoped-outcome-field';
import { explainJiraFailure, isJiraError } from '../jira/errors';
import type { JiraGateway } from '../jira/jira-gateway';
import type { PromotionItem } from '../storage/promotion-store';
import { logger } from '../runtime/log';

/** Promote's own Jira reads and writes: the discovery item, and linking what was created. */

const log = logger('promote');

const DiscoveryFieldsSchema = z
  .object({
    summary: z.string().optional(),
    issuetype: z.object({ id: z.string(), name: z.string() }).passthrough(),
    project: z.object({ projectTypeKey: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();

export async function readDiscovery(
  jira: JiraGateway,
  key: string,
  knownFields: Parameters<typeof appFieldIds>[1],
): Promise<{
  summary: string | undefined;
  type: { id: string; name: string };
  outcome: ScopedOutcome | undefined;
  /** Its Entry triage: high uncertainty makes it technically novel (domain/feasibility.ts). */
  triage: Triage | undefined;
  /** Its project's type key (`product_discovery` for an idea of a JPD space). */
  projectType: string | undefined;
}> {
  // Without the app's fields there is no outcome to carry over and no triage; promotion proceeds.
  const { ids } = await appFieldIds(['scopedOutcome', 'entryTriage'], knownFields, jira);
  const extra = [ids.scopedOutcome, ids.entryTriage].filter((id): id is string => !!id);
  const issue = await jira.getIssue(key, ['summary', 'issuetype', 'project', ...extra]);
  const { summary, issuetype, project } = DiscoveryFieldsSchema.parse(issue.fields);
  const type = { id: issuetype.id, name: issuetype.name };
  const triage = ids.entryTriage ? readTriage(issue.fields[ids.entryTriage]) : undefined;
  const projectType = project?.projectTypeKey;
  if (!ids.scopedOutcome) return { summary, type, outcome: undefined, triage, projectType };
  const reading = readScopedOutcome(issue.fields, ids.scopedOutcome);
  return {
    summary,
    type,
    outcome: reading.kind === 'present' ? reading.value : undefined,
    triage,
    projectType,
  };
}

/**
 * Links a created item back: the delivery item implements the discovery item ("DT-5 implements
 * DT-1"). A failure is recorded on the item, not thrown.
 */
export async function tryLink(
  jira: JiraGateway,
  linkType: LinkTypeInfo,
  item: PromotionItem,
  discoveryId: string,
): Promise<void> {
  if (!item.created) return;
  try {
    await linkItems(jira, linkType.id, item.created, { id: discoveryId });
    item.linked = true;
    delete item.problem;
  } catch (error) {
    item.problem = reasonFor(error);
  }
}

export function reasonFor(error: unknown): string {
  if (isJiraError(error)) return explainJiraFailure(error);
  log.error('unexpected failure', {
    error: error instanceof Error ? error.message : String(error),
  });
  return 'an unexpected error; the details are in the app logs';
}

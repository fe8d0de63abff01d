import { route } from '@forge/api';
import { z } from 'zod';
import type { EnforcementRule } from '../domain/sprint-readiness';
import type { JiraGateway } from '../jira/jira-gateway';

/**
 * What the app does to an item that is not ready, always as the app: move it to the backlog,
 * flag it, and say why in an ADF comment. Each is one Jira call.
 */

/** The label used as the flag on sites without Jira's Flagged field. */
export const FLAG_LABEL = 'dual-track-flagged';
/** The option of Jira's Flagged field. */
export const FLAG_OPTION = 'Impediment';
/** The Agile API moves at most 50 issues per request. */
export const BACKLOG_BATCH = 50;

export async function moveToBacklog(
  jiraAsApp: JiraGateway,
  keys: readonly string[],
): Promise<number> {
  let calls = 0;
  for (let i = 0; i < keys.length; i += BACKLOG_BATCH) {
    await jiraAsApp.request(z.unknown(), route`/rest/agile/1.0/backlog/issue`, {
      method: 'POST',
      body: { issues: keys.slice(i, i + BACKLOG_BATCH) },
    });
    calls += 1;
  }
  return calls;
}

/** Flags the item: Jira's Flagged field when the site has it, else the `dual-track-flagged` label. */
export async function flagItem(
  jiraAsApp: JiraGateway,
  key: string,
  flaggedFieldId: string | null,
): Promise<void> {
  const body = flaggedFieldId
    ? { fields: { [flaggedFieldId]: [{ value: FLAG_OPTION }] } }
    : { update: { labels: [{ add: FLAG_LABEL }] } };
  await jiraAsApp.request(z.unknown(), route`/rest/api/3/issue/${key}`, { method: 'PUT', body });
}

export async function addComment(jiraAsApp: JiraGateway, key: string, body: AdfDoc): Promise<void> {
  await jiraAsApp.request(z.unknown(), route`/rest/api/3/issue/${key}/comment`, {
    method: 'POST',
    body: { body },
  });
}

// ---------------------------------------------------------------------------------------------
// Atlassian Document Format

type AdfInline =
  | { type: 'text'; text: string; marks?: Array<{ type: 'strong' }> }
  | { type: 'mention'; attrs: { id: string } };
type AdfBlock =
  | { type: 'paragraph'; content: AdfInline[] }
  | { type: 'bulletList'; content: Array<{ type: 'listItem'; content: AdfBlock[] }> };
export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfBlock[];
}

const text = (t: string): AdfInline => ({ type: 'text', text: t });
const strong = (t: string): AdfInline => ({ type: 'text', text: t, marks: [{ type: 'strong' }] });
const mention = (accountId: string): AdfInline => ({ type: 'mention', attrs: { id: accountId } });
const paragraph = (...content: AdfInline[]): AdfBlock => ({ type: 'paragraph', content });
const bullets = (items: AdfInline[][]): AdfBlock => ({
  type: 'bulletList',
  content: items.map((content) => ({ type: 'listItem', content: [paragraph(...content)] })),
});

const RULE_TEXT: Record<EnforcementRule, string> = {
  'scoped-outcome': 'a complete scoped outcome',
  'discovery-validated': 'validated discovery evidence',
  'spike-timebox': 'a timebox within the spike limit',
  'entry-criteria': 'a validated discovery item or a finished spike linked to it',
};

export type Action = 'move-back' | 'flag';

export interface ItemNotice {
  key: string;
  typeName: string;
  rule: EnforcementRule;
  missing: readonly string[];
}

/** The comment on one item the guard acted on: what is missing, who put it in the sprint. */
export function guardComment(args: {
  item: ItemNotice;
  action: Action;
  sprintName: string;
  actor: string | undefined;
  created: boolean;
}): AdfDoc {
  const { item, action, sprintName, actor } = args;
  const who: AdfInline[] = actor ? [mention(actor)] : [text('someone')];
  const how = args.created ? 'was created in' : 'was added to';
  const lead =
    action === 'move-back'
      ? [
          strong('Dual Track moved this item back to the backlog. '),
          text(`This ${item.typeName} ${how} sprint "${sprintName}" by `),
          ...who,
          text(`, but it needs ${RULE_TEXT[item.rule]} before it can be planned into a sprint.`),
        ]
      : [
          strong('Dual Track flagged this item. '),
          text(`This ${item.typeName} ${how} sprint "${sprintName}" by `),
          ...who,
          text(
            `, but it needs ${RULE_TEXT[item.rule]} before it is sprint-ready. It stays in the sprint; this project only flags such items.`,
          ),
        ];
  return {
    type: 'doc',
    version: 1,
    content: [
      paragraph(...lead),
      paragraph(text('To fix:')),
      bullets(item.missing.map((m) => [text(m)])),
      paragraph(
        text(
          'If this item must go ahead as it is, a project admin can grant a time-limited waiver under Project settings → Dual Track → Waivers and audit log.',
        ),
      ),
    ],
  };
}

/** The one summary of a sprint-start check, listing every item it acted on. */
export function sprintStartSummary(args: {
  sprintName: string;
  items: ReadonlyArray<ItemNotice & { action: Action }>;
  actor: string | undefined;
  /** Items of the sprint beyond the scan limit that were not checked (0 or absent: none). */
  unread?: number;
  /** false: Jira gave no count, so `unread` only says there were more (absent: counted). */
  unreadCounted?: boolean;
}): AdfDoc {
  const unread = args.unread ?? 0;
  const holds = args.unreadCounted === false ? 'more items' : `${unread} more item(s)`;
  const done = (a: Action) =>
    a === 'move-back' ? 'moved back to the backlog' : 'flagged, stays in the sprint';
  return {
    type: 'doc',
    version: 1,
    content: [
      paragraph(
        strong(`Dual Track checked sprint "${args.sprintName}" when it started`),
        ...(args.actor ? [text(' (started by '), mention(args.actor), text(')')] : []),
        text(`: ${args.items.length} item(s) were not sprint-ready.`),
      ),
      bullets(
        args.items.map((i) => [
          strong(i.key),
          text(
            ` (${i.typeName}, ${done(i.action)}) needs ${RULE_TEXT[i.rule]}: ${i.missing.join('; ')}.`,
          ),
        ]),
      ),
      ...(unread > 0
        ? [
            paragraph(
              strong('Not every item was checked: '),
              text(
                `the sprint holds ${holds} than Dual Track reads at a sprint start; the sprint guard still checks each item that is added later.`,
              ),
            ),
          ]
        : []),
      paragraph(
        text(
          'This is the only comment for this sprint start; each item is also in the Dual Track audit log.',
        ),
      ),
    ],
  };
}

import {
  bullets,
  mention,
  paragraph,
  strong,
  text,
  type AdfDoc,
  type AdfInline,
} from '../domain/adf';
import {
  FLAG_WAYS,
  NOTHING_KNOWN,
  type FlagKnowledge,
  type FlagOutcome,
  type FlagWay,
} from '../domain/flag-fallback';
import { RULE_WORDING, type EnforcementRule } from '../domain/sprint-readiness';
import { isJiraError } from '../jira/errors';
import { editIssue } from '../jira/issues';
import type { JiraGateway } from '../jira/jira-gateway';

/**
 * What the app does to an item that is not ready, always as the app: move it to the backlog,
 * flag it, and say why in an ADF comment. Each is one Jira call, except a flag that Jira's edit
 * screen is in the way of (up to four, see flagItem).
 */

/** The label used as the flag on sites without Jira's Flagged field. */
export const FLAG_LABEL = 'dual-track-flagged';
/** The option of Jira's Flagged field. */
export const FLAG_OPTION = 'Impediment';
/**
 * Flags the item: Jira's Flagged field when the site has it, else the `dual-track-flagged` label;
 * each way a PUT as the app. When Jira refuses the field because it is not on the item's edit
 * screen (400 naming it), the same write is tried with `overrideScreenSecurity=true`, which Jira
 * allows only to callers with Administer Jira (403 otherwise; the app may or may not hold it,
 * docs/emulator-edit-screens.md); then the label, and the label with the override
 * (src/domain/flag-fallback.ts). Ways `known` to be refused are skipped. Jira applies each PUT
 * whole or not at all, so a refused way writes nothing and at most one way is ever set.
 *
 * Returns how it went, also when Jira refused every way (`via: null`): that is a fact to record
 * and tell the admin, not a failure to retry. Other failures (throttling, 5xx, a missing Edit
 * issues permission, a 400 that names something else) are thrown as before.
 */
export async function flagItem(
  jiraAsApp: JiraGateway,
  key: string,
  flaggedFieldId: string | null,
  known: FlagKnowledge = NOTHING_KNOWN,
): Promise<FlagOutcome> {
  const siteHasFlagged = flaggedFieldId !== null;
  const refused = new Set<FlagWay>(known.refused);
  let overrideRefused = known.overrideRefused;
  let jiraSaid: string | undefined;
  const outcome = (via: FlagWay | null): FlagOutcome => ({
    via,
    refused: FLAG_WAYS.filter((w) => refused.has(w)),
    overrideRefused,
    siteHasFlagged,
    ...(jiraSaid === undefined ? {} : { jiraSaid: jiraSaid.slice(0, 500) }),
  });
  for (const way of FLAG_WAYS) {
    const onField = way === 'field' || way === 'field-override';
    const override = way === 'field-override' || way === 'label-override';
    if ((onField && !flaggedFieldId) || refused.has(way) || (override && overrideRefused)) continue;
    const body =
      onField && flaggedFieldId
        ? { fields: { [flaggedFieldId]: [{ value: FLAG_OPTION }] } }
        : { update: { labels: [{ add: FLAG_LABEL }] } };
    try {
      await editIssue(jiraAsApp, key, body, { overrideScreenSecurity: override });
      return outcome(way);
    } catch (error) {
      if (!isJiraError(error)) throw error;
      // The plain write (of this item, or of one on the same screen) got past Jira's permission
      // checks to the field check, so a 403 now is about the override.
      if (override && error.status === 403) {
        overrideRefused = true;
        continue;
      }
      const said = error.fieldErrors[onField && flaggedFieldId ? flaggedFieldId : 'labels'];
      if (error.status === 400 && said !== undefined) {
        refused.add(way);
        jiraSaid ??= said;
        continue;
      }
      throw error;
    }
  }
  return outcome(null);
}

export type Action = 'move-back' | 'flag';

export interface ItemNotice {
  key: string;
  typeName: string;
  rule: EnforcementRule;
  missing: readonly string[];
}

/** Was the item flagged (an outcome from before outcomes were recorded counts as flagged)? */
const wasFlagged = (flag: FlagOutcome | undefined) => flag?.via !== null;

/** The item was flagged with the label although the site has Jira's Flagged field. */
const labelInstead = (flag: FlagOutcome | undefined) =>
  flag !== undefined &&
  flag.siteHasFlagged &&
  (flag.via === 'label' || flag.via === 'label-override');

/** The comment on one item the guard acted on: what is missing, who put it in the sprint. */
export function guardComment(args: {
  item: ItemNotice;
  action: Action;
  sprintName: string;
  actor: string | undefined;
  created: boolean;
  /** How the flag went (action `flag`); absent: flagged the ordinary way. */
  flag?: FlagOutcome | undefined;
}): AdfDoc {
  const { item, action, sprintName, actor, flag } = args;
  const who: AdfInline[] = actor ? [mention(actor)] : [text('someone')];
  const how = args.created ? 'was created in' : 'was added to';
  const flagLead = !wasFlagged(flag)
    ? 'Dual Track could not flag this item. '
    : labelInstead(flag)
      ? 'Dual Track flagged this item with the label dual-track-flagged. '
      : 'Dual Track flagged this item. ';
  const flagTail = !wasFlagged(flag)
    ? " It stays in the sprint; this project only flags such items, and Jira's edit screen for this item does not let the app set a flag (a project admin can see why under Project settings → Dual Track)."
    : ' It stays in the sprint; this project only flags such items.';
  const lead =
    action === 'move-back'
      ? [
          strong('Dual Track moved this item back to the backlog. '),
          text(`This ${item.typeName} ${how} sprint "${sprintName}" by `),
          ...who,
          text(
            `, but it needs ${RULE_WORDING[item.rule].needs} before it can be planned into a sprint.`,
          ),
        ]
      : [
          strong(flagLead),
          text(`This ${item.typeName} ${how} sprint "${sprintName}" by `),
          ...who,
          text(
            `, but it needs ${RULE_WORDING[item.rule].needs} before it is sprint-ready.${flagTail}`,
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
  items: ReadonlyArray<ItemNotice & { action: Action; flag?: FlagOutcome | undefined }>;
  actor: string | undefined;
  /** Items of the sprint beyond the scan limit that were not checked (0 or absent: none). */
  unread?: number;
  /** false: Jira gave no count, so `unread` only says there were more (absent: counted). */
  unreadCounted?: boolean;
}): AdfDoc {
  const unread = args.unread ?? 0;
  const holds = args.unreadCounted === false ? 'more items' : `${unread} more item(s)`;
  const done = (a: Action, flag: FlagOutcome | undefined) =>
    a === 'move-back'
      ? 'moved back to the backlog'
      : !wasFlagged(flag)
        ? 'could not be flagged, stays in the sprint'
        : labelInstead(flag)
          ? 'flagged with the label dual-track-flagged, stays in the sprint'
          : 'flagged, stays in the sprint';
  const unflagged = args.items.filter((i) => i.action === 'flag' && !wasFlagged(i.flag)).length;
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
            ` (${i.typeName}, ${done(i.action, i.flag)}) needs ${RULE_WORDING[i.rule].needs}: ${i.missing.join('; ')}.`,
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
      ...(unflagged > 0
        ? [
            paragraph(
              strong('Not every item could be flagged: '),
              text(
                `Jira's edit screen did not let Dual Track set a flag on ${unflagged} item(s); a project admin can see why under Project settings → Dual Track.`,
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

import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ISSUE_ID } from '../jira/jira-gateway';

/** The issue events the sprint guard reacts to, and what in them says an item entered a sprint. */

export const CREATED = 'avi:jira:created:issue';
export const UPDATED = 'avi:jira:updated:issue';
export const SPRINT_FIELD_NAME = 'Sprint';

const IdSchema = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(z.string().regex(ISSUE_ID));

const ChangeItemSchema = z
  .object({
    field: z.string().nullish(),
    fieldId: z.string().nullish(),
    from: z.string().nullish(),
    to: z.string().nullish(),
  })
  .passthrough();

/**
 * The documented payload of Jira issue events for Forge (only what the guard uses):
 * `{ eventType, atlassianId, issue: { id, key, fields: { project: { id, key }, ... } },
 *    changelog: { id, items: [{ field: "Sprint", fieldId: "customfield_10020", from: "3",
 *    to: "3, 7", fromString, toString }] } }`. The Sprint item's `from`/`to` are
 * comma-separated sprint ids.
 */
export const IssueEventSchema = z
  .object({
    eventType: z.string().optional(),
    atlassianId: z.string().optional(),
    user: z.object({ accountId: z.string() }).passthrough().optional(),
    timestamp: z.number().optional(),
    issue: z
      .object({
        id: IdSchema,
        key: z.string().min(1),
        fields: z
          .object({ project: z.object({ id: IdSchema, key: z.string().min(1) }).passthrough() })
          .passthrough(),
      })
      .passthrough(),
    changelog: z
      .object({
        id: z.union([z.string(), z.number()]).transform(String).optional(),
        items: z.array(ChangeItemSchema).optional(),
      })
      .passthrough()
      .nullish(),
  })
  .passthrough();
export type IssueEvent = z.infer<typeof IssueEventSchema>;

function sprintIds(value: string | null | undefined): number[] {
  return (value ?? '')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}

/** Sprint ids the event says the issue entered (`to` minus `from` of the Sprint item). */
export function enteredSprints(event: IssueEvent): number[] {
  const items = event.changelog?.items ?? [];
  const entered = new Set<number>();
  for (const item of items) {
    if (item.field !== SPRINT_FIELD_NAME) continue;
    const before = new Set(sprintIds(item.from));
    for (const id of sprintIds(item.to)) if (!before.has(id)) entered.add(id);
  }
  return [...entered];
}

/** Could this event have put the issue into a sprint? Created issues: maybe; updates: say so. */
export function isSprintEntry(event: IssueEvent): boolean {
  if (event.eventType === CREATED) return true;
  if (event.eventType !== undefined && event.eventType !== UPDATED) return false;
  return enteredSprints(event).length > 0;
}

/** One key per event: the issue and its changelog entry (or creation); else a hash of it. */
export function dedupeKeyOf(event: IssueEvent): string {
  if (event.eventType === CREATED) return `${event.issue.id}:created`;
  if (event.changelog?.id) return `${event.issue.id}:${event.changelog.id}`;
  const digest = createHash('sha256')
    .update(JSON.stringify([event.issue.id, event.timestamp ?? null, event.changelog ?? null]))
    .digest('hex')
    .slice(0, 32);
  return `${event.issue.id}:h${digest}`;
}

import {
  isPlainFlag,
  knowledgeFrom,
  plainFlag,
  type FlagKnowledge,
  type FlagOutcome,
} from '../domain/flag-fallback';
import { moveToBacklog } from '../jira/boards';
import { addComment } from '../jira/issues';
import type { jiraAsApp } from '../jira/jira-gateway';
import { appendAudit, readAuditHead, type NewAuditEntry } from '../storage/audit-store';
import { readFlagNotes } from '../storage/enforcement-store';
import { markProjectsWritten } from '../storage/shared-overview-store';
import { errorText, logger } from '../runtime/log';
import { auditActionOf, interventionDetail, rememberFlagOutcomes } from './intervention-audit';
import { flagItem, sprintStartSummary } from './interventions';
import { flagStep, isDone, moveStep, type PlannedItem, type StartPlan } from './sprint-start-plan';

/**
 * What the sprint-start check does with its plan: move back, flag, one summary comment per
 * project, the audit entries, the flag notes. Each step is recorded in `done` as it completes, so
 * a retried event finishes only what is left.
 */

type Jira = ReturnType<typeof jiraAsApp>;

export async function carryOut(
  plan: StartPlan,
  done: Set<string>,
  jira: Jira,
  now: Date,
): Promise<void> {
  await moveAndFlag(plan, done, jira);
  const outcomes = plan.flagOutcomes ?? {};
  const itemProjects = [...new Set(plan.items.map((i) => i.projectKey))];
  for (const projectKey of itemProjects) await summarise(plan, projectKey, done, jira);
  const projects = [...new Set([...plan.items, ...plan.waived].map((i) => i.projectKey))];
  for (const projectKey of projects) {
    if (done.has(`audit:${projectKey}`)) continue;
    await appendAudit(
      projectKey,
      await readAuditHead(projectKey),
      auditEntries(plan, projectKey, now),
    );
    done.add(`audit:${projectKey}`);
  }
  for (const projectKey of itemProjects) {
    const step = `flag-note:${projectKey}`;
    const seen = plan.items
      .filter((i) => i.projectKey === projectKey && i.action === 'flag' && isDone(i, done))
      .map((i) => ({
        typeName: i.typeName,
        outcome: outcomes[i.key] ?? plainFlag(plan.flaggedFieldId !== null),
      }));
    if (done.has(step) || seen.length === 0) continue;
    await rememberFlagOutcomes(projectKey, await readFlagNotes(projectKey), seen, now);
    done.add(step);
  }
}

export async function moveAndFlag(plan: StartPlan, done: Set<string>, jira: Jira): Promise<void> {
  const acted = plan.items.filter((i) => !isDone(i, done));
  try {
    await moveAndFlagItems(plan, done, jira);
  } finally {
    // Pages shared before the moves and flags no longer match their projects.
    const touched = acted.filter((i) => isDone(i, done)).map((i) => i.projectKey);
    for (const error of await markProjectsWritten(touched, new Date())) {
      logger('sprint-start').warn(`could not mark a project changed: ${errorText(error)}`);
    }
  }
}

async function moveAndFlagItems(plan: StartPlan, done: Set<string>, jira: Jira): Promise<void> {
  const toMove = plan.items.filter((i) => i.action === 'move-back' && !isDone(i, done));
  for (let i = 0; i < toMove.length; i += 50) {
    const batch = toMove.slice(i, i + 50).map((x) => x.key);
    await moveToBacklog(jira, batch);
    for (const key of batch) done.add(moveStep(key));
  }
  const outcomes = (plan.flagOutcomes ??= {});
  for (const item of plan.items.filter((i) => i.action === 'flag')) {
    if (isDone(item, done)) continue;
    const outcome = await flagItem(
      jira,
      item.key,
      plan.flaggedFieldId,
      knowledgeFor(item, plan.items, outcomes),
    );
    if (!isPlainFlag(outcome)) outcomes[item.key] = outcome;
    done.add(flagStep(item.key));
  }
}

/**
 * The summary comments of one project: one on its first item without an issue security level,
 * naming only such items of the project (a sprint of a board spanning projects must not tell one
 * project's readers about another's items), and one on each item with a level, naming only it
 * (its readers are fewer than the project's). Each with the step that records it.
 */
export function summaryGroups(
  plan: Pick<StartPlan, 'items'>,
  projectKey: string,
): Array<{ on: string; step: string; items: PlannedItem[] }> {
  const items = plan.items.filter((i) => i.projectKey === projectKey);
  const open = items.filter((i) => i.restricted !== true);
  const first = open[0];
  return [
    ...(first ? [{ on: first.key, step: `comment:${projectKey}`, items: open }] : []),
    ...items
      .filter((i) => i.restricted === true)
      .map((i) => ({ on: i.key, step: `comment:${projectKey}:${i.key}`, items: [i] })),
  ];
}

async function summarise(
  plan: StartPlan,
  projectKey: string,
  done: Set<string>,
  jira: Jira,
): Promise<void> {
  // 'comment' is the step name of the single summary written before summaries were per project.
  if (done.has('comment')) return;
  const outcomes = plan.flagOutcomes ?? {};
  for (const group of summaryGroups(plan, projectKey)) {
    if (done.has(group.step)) continue;
    await addComment(
      jira,
      group.on,
      sprintStartSummary({
        sprintName: plan.sprintName,
        items: group.items.map((i) => ({ ...i, flag: outcomes[i.key] })),
        actor: plan.actor,
        unread: plan.unread,
        unreadCounted: plan.unreadCounted ?? true,
      }),
    );
    done.add(group.step);
  }
}

function auditBase(
  item: { issueId: string; key: string },
  plan: Pick<StartPlan, 'sprintId' | 'actor'>,
  now: Date,
) {
  return {
    at: now.toISOString(),
    source: 'sprint-start',
    issueId: item.issueId,
    issueKey: item.key,
    actor: plan.actor ?? null,
    sprintId: plan.sprintId,
  };
}

/** The project's audit entries: the waived items, then the items acted on. */
function auditEntries(plan: StartPlan, projectKey: string, now: Date): NewAuditEntry[] {
  const outcomes = plan.flagOutcomes ?? {};
  const waivedEntries: NewAuditEntry[] = plan.waived
    .filter((w) => w.projectKey === projectKey)
    .map((w) => ({
      ...auditBase(w, plan, now),
      action: 'waived',
      rule: w.rule,
      detail: `In sprint "${plan.sprintName}" at its start without ${w.missing.join('; ')}; allowed by a waiver.`,
      waiver: w.waiver,
    }));
  const acted = plan.items.filter((i) => i.projectKey === projectKey);
  const groups = summaryGroups(plan, projectKey);
  const summaryOn = (key: string) => groups.find((g) => g.items.some((i) => i.key === key))?.on;
  const actedEntries: NewAuditEntry[] = acted.map((i) => {
    const flag = i.action === 'flag' ? outcomes[i.key] : undefined;
    return {
      ...auditBase(i, plan, now),
      action: auditActionOf(i.action, flag),
      rule: i.rule,
      detail: interventionDetail({
        ...i,
        lead: `In sprint "${plan.sprintName}" at its start`,
        flag,
        after: `Summary comment on ${summaryOn(i.key) ?? '-'}.`,
      }),
    };
  });
  return [...waivedEntries, ...actedEntries];
}

/**
 * What the flags already tried in this run tell about the next item's: refusals on the same edit
 * screen (same project and issue type), and whether Jira refused the app the screen override.
 */
function knowledgeFor(
  item: PlannedItem,
  items: readonly PlannedItem[],
  outcomes: Readonly<Record<string, FlagOutcome>>,
): FlagKnowledge {
  const tried = items.flatMap((i) => {
    const outcome = outcomes[i.key];
    return outcome ? [{ item: i, outcome }] : [];
  });
  return knowledgeFrom(
    tried
      .filter((t) => t.item.projectKey === item.projectKey && t.item.typeName === item.typeName)
      .map((t) => t.outcome),
    tried.map((t) => t.outcome),
  );
}

/** The last attempt failed: what was done is audited as done, the rest as failed. */
export async function auditGiveUp(
  plan: StartPlan,
  done: ReadonlySet<string>,
  reason: string,
  now: Date,
): Promise<void> {
  const projects = [...new Set(plan.items.map((i) => i.projectKey))];
  for (const projectKey of projects) {
    if (done.has(`audit:${projectKey}`)) continue;
    const entries: NewAuditEntry[] = plan.items
      .filter((i) => i.projectKey === projectKey)
      .map((i) => {
        const did = isDone(i, done);
        const flag = i.action === 'flag' ? plan.flagOutcomes?.[i.key] : undefined;
        return {
          ...auditBase(i, plan, now),
          action: did ? auditActionOf(i.action, flag) : 'failed',
          rule: i.rule,
          detail: did
            ? interventionDetail({
                ...i,
                lead: `In sprint "${plan.sprintName}" at its start`,
                flag,
                after: `The check stopped before it finished (${reason}).`,
              })
            : `In sprint "${plan.sprintName}" at its start; could not ${i.action === 'move-back' ? 'move it back' : 'flag it'} (${reason}). Missing: ${i.missing.join('; ')}.`,
        };
      });
    await appendAudit(projectKey, await readAuditHead(projectKey), entries);
  }
}

import { z } from 'zod';
import type { SprintReadinessView } from '../contract/surfaces-view';
import { boardReadiness, ruleName, type SprintReadiness } from '../enforcement/readiness-report';
import { isJiraError } from '../jira/errors';
import { searchProjects } from '../jira/projects';
import { projectRollup } from '../project-page/rollup';
import type { ResolverGroup } from './all-resolvers';
import { fail, resolver, type Caller } from './resolver-kit';

/**
 * The surfaces where people already look: the board action (`board/readiness`, the board from
 * Forge's context) and the dashboard gadget (`gadget/rollup`, the projects its configuration
 * picked). Both read Jira as the caller, so Jira's own refusal is the permission check: the
 * board's sprint list answers 404 to someone who may not browse its project, and each picked
 * project answers 404 to someone who may not browse it (shown as "no access", never its data).
 */

/** How many projects the gadget's picker lists for one text. */
const PROJECT_CHOICES = 20;

const BoardContextSchema = z
  .object({
    board: z
      .object({ id: z.union([z.string().regex(/^\d{1,18}$/), z.number().int()]).transform(Number) })
      .passthrough(),
  })
  .passthrough();

function boardOf(caller: Caller): number {
  const parsed = BoardContextSchema.safeParse(caller.context.extension ?? {});
  if (!parsed.success) return fail('invalid-input', 'This action needs a Jira board context.');
  return parsed.data.board.id;
}

function sprintView(report: SprintReadiness | null): SprintReadinessView | null {
  if (!report) return null;
  return {
    ...report,
    items: report.items.map((row) => ({ ...row, rule: ruleName(row.rule) })),
  };
}

export const surfaceResolvers: ResolverGroup = {
  'board/readiness': resolver('board/readiness', [], async (caller) => {
    const report = await boardReadiness(caller.jira, boardOf(caller), caller.now).catch(
      (error: unknown) => {
        // Jira answers 400 for the sprints of a board without them (a Kanban board).
        if (isJiraError(error) && error.kind === 'bad-request') {
          return fail(
            'invalid-input',
            'This board has no sprints: sprint readiness needs a Scrum board.',
          );
        }
        throw error;
      },
    );
    return {
      boardId: report.boardId,
      active: sprintView(report.active),
      next: sprintView(report.next),
    };
  }),
  'gadget/rollup': resolver('gadget/rollup', [], (caller, payload) =>
    projectRollup(caller.jira, payload.projectKeys, caller.now),
  ),
  // Jira lists only the projects the caller may browse: its answer is the permission check.
  'gadget/projects': resolver('gadget/projects', [], (caller, payload) =>
    searchProjects(caller.jira, payload.query, PROJECT_CHOICES),
  ),
};

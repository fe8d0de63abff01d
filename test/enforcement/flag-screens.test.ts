import { takeOffEditScreen, editScreens } from '../../dev/emulator/edit-screens';
import type { EmField, EmIssue } from '../../dev/emulator/model';
import { addFlaggedField, commentsOf, labelsOf } from '../../dev/emulator/routes/enforcement';
import * as handlers from '../../src/index';
import type { SetupStatus } from '../../src/setup/setup-action';
import { listAudit, type AuditEntry } from '../../src/storage/audit-store';
import { useEmulator } from '../helpers/emulator';
import { callResolver, runTrigger } from '../helpers/invoke';
import {
  commentText,
  seedEnforcementSite,
  sprintChangeEvent,
  sprintStartedEvent,
  type EnforcementSite,
  rememberFieldIds,
  overrideProject,
} from './enforcement-site';
import { ENFORCEMENT_KEYS } from '../../src/storage/key-families';

/**
 * Flagging when Jira's edit screen is in the way (issue 15, D): the Flagged field (or Labels) is
 * not on the edit screen of the item's project and type, so Jira refuses the plain PUT. The app
 * tries Jira's documented screen override, then the label, and says what happened in the
 * comment, the audit log and the project's Dual Track settings page. Driven through the exported
 * triggers and the `setup/status` resolver against the emulated site, whose editIssue refuses
 * as Jira does (dev/emulator/edit-screens.ts). Whether the app may override is an emulator
 * setting (`appHoldsAdminister`): both answers are tested.
 */
const ctx = useEmulator();

// The triggers as Forge delivers their events: one invocation each, under its time limit.
const sprintGuard = (event: unknown) => runTrigger(ctx.em, handlers.sprintGuard, event);
const sprintStartCheck = (event: unknown) => runTrigger(ctx.em, handlers.sprintStartCheck, event);
let site: EnforcementSite;
let flagged: EmField;

beforeEach(() => {
  site = seedEnforcementSite(ctx.em);
  flagged = addFlaggedField(ctx.em);
  rememberFieldIds(ctx.em, site, {}, flagged.id);
  overrideProject(ctx.em, site, { guard: { policy: 'flag-only' } });
});

/** An enabler without a scoped outcome: not ready, so the flag-only project flags it. */
function unready(type = 'Enabler'): EmIssue {
  return ctx.em.addIssue({ projectKey: 'DT', type, summary: `${type} item` });
}

function dragInto(issue: EmIssue, changelogId = '50001') {
  ctx.em.setSprint(issue.key, site.active.id);
  return sprintChangeEvent(ctx.em, issue, { to: site.active, changelogId });
}

const flagOf = (issue: EmIssue) => ctx.em.issues.get(issue.id)?.custom.get(flagged.id);
const edits = () =>
  ctx.em
    .jiraCalls()
    .filter((c) => c.operationId === 'editIssue')
    .map(
      (c) => `${c.path.includes('overrideScreenSecurity=true') ? 'override' : 'plain'}:${c.status}`,
    );

async function audit(): Promise<AuditEntry[]> {
  return (await ctx.em.invocations.setup(() => listAudit('DT', undefined, 100))).entries.reverse();
}

/** What the project settings page shows about flagging, as the project admin reads it. */
async function settingsNotes(): Promise<SetupStatus['flagNotes']> {
  const result = await callResolver<SetupStatus>(
    ctx.em,
    'setup/status',
    site.projectAdmin,
    {},
    { extension: { project: { id: site.projectId, key: 'DT' } } },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data.flagNotes;
}

describe('sprint guard: Flagged is not on the edit screen', () => {
  beforeEach(() => takeOffEditScreen(ctx.em, 'DT', flagged.id));

  it('with the override allowed (the app holds Administer Jira): flagged through the override', async () => {
    ctx.em.appHoldsAdminister = true;
    const issue = unready();
    ctx.em.resetCalls();

    await expect(sprintGuard(dragInto(issue))).resolves.toBeUndefined();

    expect(edits()).toEqual(['plain:400', 'override:204']);
    expect(flagOf(issue)).toEqual([{ value: 'Impediment' }]);
    expect(labelsOf(ctx.em, issue.key)).toEqual([]);
    expect(commentText(ctx.em, issue.key)[0]).toContain('Dual Track flagged this item.');
    const [entry] = await audit();
    expect(entry?.action).toBe('flagged');
    expect(entry?.detail).toContain(
      "Jira's Flagged field is not on the edit screen of Enabler items in DT",
    );
    expect(entry?.detail).toContain("set it anyway with Jira's screen override");
    const notes = await settingsNotes();
    expect(notes).toHaveLength(1);
    expect(notes[0]?.message).toContain('Add Flagged to that screen');
  });

  it('with the override refused: the label instead, audited with what the admin must do, and on the settings page', async () => {
    const issue = unready();
    ctx.em.resetCalls();

    await expect(sprintGuard(dragInto(issue))).resolves.toBeUndefined();

    expect(edits()).toEqual(['plain:400', 'override:403', 'plain:204']);
    expect(flagOf(issue)).toBeUndefined();
    expect(labelsOf(ctx.em, issue.key)).toEqual(['dual-track-flagged']);
    expect(commentText(ctx.em, issue.key)[0]).toContain(
      'Dual Track flagged this item with the label dual-track-flagged.',
    );
    const entries = await audit();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'flagged', issueKey: issue.key });
    expect(entries[0]?.detail).toContain(
      "Jira's Flagged field is not on the edit screen of Enabler items in DT.",
    );
    expect(entries[0]?.detail).toContain('Jira does not let Dual Track override screens');
    expect(entries[0]?.detail).toContain('add Flagged to that screen');
    const notes = await settingsNotes();
    expect(notes.map((n) => n.typeName)).toEqual(['Enabler']);
    expect(notes[0]?.message).toContain('Dual Track added the label dual-track-flagged instead');
  });

  it('Flagged and Labels both off the screen, no override: no crash, nothing half-written, the audit says what to change', async () => {
    takeOffEditScreen(ctx.em, 'DT', 'labels');
    const issue = unready();
    const event = dragInto(issue);
    ctx.em.resetCalls();

    await expect(sprintGuard(event)).resolves.toBeUndefined();

    expect(edits()).toEqual(['plain:400', 'override:403', 'plain:400']);
    expect(flagOf(issue)).toBeUndefined();
    expect(labelsOf(ctx.em, issue.key)).toEqual([]);
    expect(ctx.em.issues.get(issue.id)?.custom.get(ctx.em.sprintField.id)).toBeDefined();
    const [text, ...more] = commentText(ctx.em, issue.key);
    expect(more).toEqual([]);
    expect(text).toContain('Dual Track could not flag this item.');
    expect(text).toContain('Project settings → Dual Track');
    const entries = await audit();
    expect(entries).toHaveLength(1);
    expect(entries[0]?.action).toBe('failed');
    expect(entries[0]?.detail).toContain('not flagged');
    expect(entries[0]?.detail).toContain(
      'Add Flagged (or Labels) to the edit screen of Enabler items in DT',
    );
    expect((await settingsNotes())[0]?.message).toContain(
      'Dual Track could not flag Enabler items',
    );

    // The event is finished, not left for a retry: a repeat delivery does nothing.
    ctx.em.resetCalls();
    await expect(sprintGuard(event)).resolves.toBeUndefined();
    expect(ctx.em.jiraCalls()).toEqual([]);
    expect(commentsOf(ctx.em, issue.key)).toHaveLength(1);
  });

  it('a retry after a failed comment neither flags again nor forgets how the flag went', async () => {
    const issue = unready();
    const event = dragInto(issue);
    ctx.em.injectFault({ match: /POST .*\/comment$/, status: 429, retryAfter: 30 });
    const first = await sprintGuard(event);
    expect(first).toMatchObject({ _retry: true });
    ctx.em.resetCalls();

    await expect(
      sprintGuard({ ...event, retryContext: { retryCount: 1, retryReason: 'x', retryData: null } }),
    ).resolves.toBeUndefined();

    expect(edits()).toEqual([]);
    expect(labelsOf(ctx.em, issue.key)).toEqual(['dual-track-flagged']);
    expect(commentText(ctx.em, issue.key)).toHaveLength(1);
    expect(commentText(ctx.em, issue.key)[0]).toContain('with the label dual-track-flagged');
    const entries = await audit();
    expect(entries.map((e) => e.action)).toEqual(['flagged']);
    expect(entries[0]?.detail).toContain('Jira does not let Dual Track override screens');
  });

  it('once Flagged is back on the screen, the next flag is ordinary and the settings note goes away', async () => {
    await sprintGuard(dragInto(unready()));
    expect(await settingsNotes()).toHaveLength(1);

    editScreens(ctx.em).putOn(site.projectId, flagged.id);
    const later = unready();
    ctx.em.resetCalls();
    await sprintGuard(dragInto(later, '50002'));

    expect(edits()).toEqual(['plain:204']);
    expect(flagOf(later)).toEqual([{ value: 'Impediment' }]);
    expect(await settingsNotes()).toEqual([]);
    expect(ctx.em.kvs.peek(ENFORCEMENT_KEYS.flagNotes('DT'))).toBeUndefined();
  });
});

describe('sprint-start check: Flagged is not on the edit screen of one issue type', () => {
  it("learns from the first item: the next of the same type goes straight to the label; other types keep Jira's flag", async () => {
    takeOffEditScreen(ctx.em, 'DT', flagged.id, 'Enabler');
    const enablers = [unready(), unready()];
    const spike = unready('Spike');
    for (const i of [...enablers, spike]) ctx.em.setSprint(i.key, site.active.id);
    ctx.em.resetCalls();

    await expect(sprintStartCheck(sprintStartedEvent(site.active))).resolves.toBeUndefined();

    // First enabler: Flagged refused, override refused, label. Second: the label at once.
    // The spike's screen has Flagged.
    expect(edits()).toEqual(['plain:400', 'override:403', 'plain:204', 'plain:204', 'plain:204']);
    for (const e of enablers) {
      expect(labelsOf(ctx.em, e.key)).toEqual(['dual-track-flagged']);
      expect(flagOf(e)).toBeUndefined();
    }
    expect(flagOf(spike)).toEqual([{ value: 'Impediment' }]);
    expect(labelsOf(ctx.em, spike.key)).toEqual([]);
    const [summary] = commentText(ctx.em, enablers[0]!.key);
    expect(summary).toContain(
      `${enablers[0]!.key} (Enabler, flagged with the label dual-track-flagged, stays in the sprint)`,
    );
    expect(summary).toContain(`${spike.key} (Spike, flagged, stays in the sprint)`);
    const entries = await audit();
    expect(entries.map((e) => e.action)).toEqual(['flagged', 'flagged', 'flagged']);
    expect(entries.find((e) => e.issueKey === spike.key)?.detail).not.toContain('edit screen');
    expect(entries.find((e) => e.issueKey === enablers[1]!.key)?.detail).toContain(
      'not on the edit screen of Enabler items in DT',
    );
    expect((await settingsNotes()).map((n) => n.typeName)).toEqual(['Enabler']);
  });

  it('neither Flagged nor Labels on the screen: the check finishes, every item is in the summary and audited as not flagged', async () => {
    takeOffEditScreen(ctx.em, 'DT', flagged.id);
    takeOffEditScreen(ctx.em, 'DT', 'labels');
    const items = [unready(), unready()];
    for (const i of items) ctx.em.setSprint(i.key, site.active.id);
    ctx.em.resetCalls();

    await expect(sprintStartCheck(sprintStartedEvent(site.active))).resolves.toBeUndefined();

    // The second item has nothing left to try: the first one's refusals hold for its screen.
    expect(edits()).toEqual(['plain:400', 'override:403', 'plain:400']);
    for (const i of items) {
      expect(flagOf(i)).toBeUndefined();
      expect(labelsOf(ctx.em, i.key)).toEqual([]);
    }
    const [summary] = commentText(ctx.em, items[0]!.key);
    expect(summary).toContain('could not be flagged, stays in the sprint');
    expect(summary).toContain('Not every item could be flagged');
    const entries = await audit();
    expect(entries.map((e) => e.action)).toEqual(['failed', 'failed']);
    for (const e of entries) {
      expect(e.detail).toContain(
        'Add Flagged (or Labels) to the edit screen of Enabler items in DT',
      );
    }
    expect(await settingsNotes()).toHaveLength(1);
  });

  it('a retry after a failed summary does not flag again, and the summary and audit still say how', async () => {
    takeOffEditScreen(ctx.em, 'DT', flagged.id);
    const items = [unready(), unready()];
    for (const i of items) ctx.em.setSprint(i.key, site.active.id);
    const event = sprintStartedEvent(site.active);
    ctx.em.injectFault({ match: /POST .*\/comment$/, status: 429, retryAfter: 30 });
    expect(await sprintStartCheck(event)).toMatchObject({ _retry: true });
    ctx.em.resetCalls();

    await expect(
      sprintStartCheck({
        ...event,
        retryContext: { retryCount: 1, retryReason: 'x', retryData: null },
      }),
    ).resolves.toBeUndefined();

    expect(edits()).toEqual([]);
    for (const i of items) expect(labelsOf(ctx.em, i.key)).toEqual(['dual-track-flagged']);
    expect(commentText(ctx.em, items[0]!.key)[0]).toContain(
      'flagged with the label dual-track-flagged, stays in the sprint',
    );
    const entries = await audit();
    expect(entries.map((e) => e.action)).toEqual(['flagged', 'flagged']);
    for (const e of entries)
      expect(e.detail).toContain('added the label dual-track-flagged instead');
    expect((await settingsNotes()).map((n) => n.typeName)).toEqual(['Enabler']);
  });

  it('with the override allowed, every item of the type is flagged through it', async () => {
    ctx.em.appHoldsAdminister = true;
    takeOffEditScreen(ctx.em, 'DT', flagged.id);
    const items = [unready(), unready()];
    for (const i of items) ctx.em.setSprint(i.key, site.active.id);
    ctx.em.resetCalls();

    await sprintStartCheck(sprintStartedEvent(site.active));

    expect(edits()).toEqual(['plain:400', 'override:204', 'override:204']);
    for (const i of items) expect(flagOf(i)).toEqual([{ value: 'Impediment' }]);
    expect(commentText(ctx.em, items[0]!.key)[0]).toContain(
      '(Enabler, flagged, stays in the sprint)',
    );
  });
});

import * as handlers from '../../src/index';
import { exportedSectionOf } from '../../src/data-transfer/data-transfer';
import { KEY_RULES } from '../../src/data-transfer/key-rules';
import * as registry from '../../src/storage/key-families';
import {
  KEY_FAMILIES,
  familyOf,
  type FamilyName,
  type KeyFamily,
} from '../../src/storage/key-families';
import type { ResolverKey, Result } from '../../src/contract/bridge-contract';
import { RECORD_VERSION_ENTITY } from '../../src/storage/versioned-record';
import { commentsOf } from '../../dev/emulator/routes/enforcement';
import { useEmulator } from '../helpers/emulator';
import { callResolver, ok, runTrigger, runValidator } from '../helpers/invoke';
import { sprintChangeEvent } from '../enforcement/enforcement-site';
import {
  exportAllData,
  extensionOf,
  seedSecuritySite,
  type Where,
  type World,
} from './security-site';

/**
 * A backup restores everything (issue 19, defect 7): every key family of the storage registry
 * (src/storage/key-families.ts) is either exported or left out for a stated reason, and a project restored on an empty
 * site from its export behaves as before: its pages (project page, issue panels, waivers, audit,
 * settings, retro) answer the same, a sign-off still stops a promotion, a spike's recorded note
 * still lets it close, and the sprint guard still knows the project is set up.
 */
const ctx = useEmulator();
let w: World;

beforeEach(() => {
  w = seedSecuritySite(ctx.em);
});

/** Sample arguments for key builders, by parameter name. */
const SAMPLES: Record<string, string | number> = {
  projectKey: 'DT',
  issueId: '10001',
  waitingId: '10002',
  version: 3,
  generation: 2,
  jobKind: 'retro',
  part: 0,
  sprintId: 42,
  list: 'plan',
  seq: 7,
  index: 0,
  writeId: 'a1b2c3d4e5f6',
  bucket: '20261203',
  hour: '09',
  dedupeKey: 'sprint-change:10001:50001',
  scope: 'config:global',
  accountId: '5b10a2844c20165700ede21g',
  eventKey: 'guard:event:20261203:sprint-change:10001:50001',
  claimedAt: 1796290000000,
};

function parameterNames(fn: (...args: never[]) => unknown): string[] {
  const source = fn.toString();
  const list = /^\(?([^)=]*)\)?\s*=>/.exec(source)?.[1] ?? /\(([^)]*)\)/.exec(source)?.[1] ?? '';
  return list
    .split(',')
    .map((p) => p.trim().split(/[\s:=]/)[0] ?? '')
    .filter(Boolean);
}

/** One sample key from every builder of the registry (its `*KEYS` exports). */
function builtKeys(): Array<{ builder: string; key: string }> {
  const out: Array<{ builder: string; key: string }> = [];
  for (const [name, value] of Object.entries(registry)) {
    if (!/KEYS$/.test(name) || typeof value !== 'object' || value === null) continue;
    for (const [prop, builder] of Object.entries(value)) {
      if (prop.endsWith('Prefix')) continue; // a prefix to list by, not a key
      const label = `${name}.${prop}`;
      if (typeof builder === 'string') {
        out.push({ builder: label, key: builder });
        continue;
      }
      if (typeof builder !== 'function') continue;
      const fn = builder as (...args: unknown[]) => unknown;
      const args = parameterNames(fn).map((p) => {
        if (!(p in SAMPLES)) throw new Error(`${label}: add a sample for parameter "${p}"`);
        return SAMPLES[p];
      });
      out.push({ builder: label, key: String(fn(...args)) });
    }
  }
  return out;
}

async function call(
  key: ResolverKey,
  accountId: string,
  where: Where,
  payload: unknown,
): Promise<Result<unknown>> {
  return callResolver(ctx.em, key, accountId, payload, { extension: extensionOf(w, where, false) });
}

/** An answer without the moments it was made at (`generatedAt`), which differ by design. */
function withoutClock(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (k, v: unknown) =>
    k === 'generatedAt' ? undefined : v,
  );
}

/** A new installation: the app's storage and its version entities are empty. */
async function wipeStorage(): Promise<void> {
  const { kvs } = await import('@forge/kvs');
  for (const key of ctx.em.kvs.keys()) await ctx.em.invocations.setup(() => kvs.delete(key));
  for (const key of ctx.em.kvs.entityKeys(RECORD_VERSION_ENTITY)) {
    ctx.em.kvs.clearEntity(RECORD_VERSION_ENTITY, key);
  }
}

/** A new enabler with no scoped outcome dragged into DT's active sprint, with the guard's event. */
async function dragUnscopedEnablerIntoSprint(summary: string, changelogId: string) {
  const sprint = [...ctx.em.sprints.values()].find((s) => s.state === 'active');
  if (!sprint) throw new Error('no active sprint');
  const enabler = ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary });
  ctx.em.setSprint(enabler.key, sprint.id);
  await runTrigger(
    ctx.em,
    handlers.sprintGuard,
    sprintChangeEvent(ctx.em, enabler, { to: sprint, changelogId }),
  );
  return enabler;
}

describe('backups cover every key family', () => {
  const families = Object.entries(KEY_FAMILIES) as Array<[FamilyName, KeyFamily]>;

  it('every key a builder makes belongs to exactly one family of the registry, the one naming it', () => {
    const built = builtKeys();
    expect(built.length).toBeGreaterThan(20);
    for (const { builder, key } of built) {
      const owners = families.filter(([, f]) => f.pattern.test(key)).map(([n]) => n);
      expect({ builder, key, owners }).toEqual({ builder, key, owners: [familyOf(key)?.name] });
      expect(KEY_FAMILIES[owners[0] as FamilyName].builder).toBe(builder);
    }
    // Every family names a builder that exists.
    const builders = new Set(built.map((b) => b.builder));
    expect(families.filter(([, f]) => !builders.has(f.builder))).toEqual([]);
  });

  it('every family is exported by exactly one import/export rule, or left out for a stated reason', () => {
    for (const [name, family] of families) {
      const rules = KEY_RULES.filter((r) => r.family === name);
      if ('leftOut' in family.backup) {
        expect({ name, rules: rules.length }).toEqual({ name, rules: 0 });
        expect(family.backup.leftOut.length).toBeGreaterThan(20);
      } else {
        expect({ name, rules: rules.length }).toEqual({ name, rules: 1 });
      }
    }
  });

  it('a sample key of each family is exported in its section, or not at all', () => {
    for (const { key } of builtKeys()) {
      const backup = familyOf(key)?.family.backup;
      const section =
        backup && 'section' in backup && !('legacy' in backup) ? backup.section : undefined;
      expect({ key, section: exportedSectionOf(key) }).toEqual({ key, section });
    }
  });

  it('the check catches a key no family names (it is not vacuous)', () => {
    expect(familyOf('someday:DT')).toBeUndefined();
    expect(exportedSectionOf('someday:DT')).toBeUndefined();
  });
});

describe('backup, wipe, restore: the project behaves as before', () => {
  it('a not-feasible sign-off, a spike note and the project setup survive', async () => {
    const padmin = 'user-project-admin';
    ok(await call('issue/feasibility/flag', padmin, 'idea', { novel: true }));
    ok(
      await call('issue/feasibility/sign-off', padmin, 'idea', {
        verdict: 'not-feasible',
        note: 'The payment provider has no API for this',
      }),
    );
    ok(await call('issue/spike/learned', padmin, 'spike', { note: 'Redis, not Memcached' }));
    ok(await call('waiver/list', padmin, 'project', {}));

    const promote = () =>
      call('promote/run', padmin, 'idea', { items: [{ summary: 'Reorder button' }] });
    const spikeClose = () =>
      runValidator(ctx.em, handlers.spikeCloseGate, {
        issue: { key: w.spike.key },
        configuration: {},
      });
    const refusedBefore = await promote();
    expect(refusedBefore.ok).toBe(false);
    await expect(spikeClose()).resolves.toMatchObject({ result: true });

    // What every page shows of the project, to compare after the restore.
    const pages = async () =>
      withoutClock({
        overview: ok(await call('project/overview', padmin, 'project', {})),
        idea: ok(await call('issue/readiness', padmin, 'idea', {})),
        spike: ok(await call('issue/readiness', padmin, 'spike', {})),
        enabler: ok(await call('issue/readiness', padmin, 'delivery', {})),
        waivers: ok(await call('waiver/list', padmin, 'project', {})),
        audit: ok(await call('audit/list', padmin, 'project', {})),
        settings: ok(await call('settings/project/get', padmin, 'project', {})),
        retro: ok(await call('retro/report', padmin, 'project', {})),
      });
    const shownBefore = await pages();

    const { document } = await exportAllData(w);
    const keys = document.records.map((r) => r.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        `feasibility:${w.idea.id}`,
        `spike-note:${w.spike.id}`,
        'track-mapping:DT',
      ]),
    );
    // Every key the app wrote so far (settings, waivers, audit, evidence, notes, setup, the
    // guard's event records...) is of a family the registry names.
    expect(ctx.em.kvs.keys().filter((key) => familyOf(key) === undefined)).toEqual([]);
    await wipeStorage();
    expect(ctx.em.kvs.keys()).toEqual([]);
    // With storage empty, the spike's note is gone: the gate refuses (so the test can fail).
    await expect(spikeClose()).resolves.toMatchObject({ result: false });
    const early = await dragUnscopedEnablerIntoSprint('Too early', '70000');
    // ...and the guard, not knowing DT is set up, leaves the item alone.
    expect(commentsOf(ctx.em, early.key)).toEqual([]);
    ctx.em.deleteIssue(early.key); // back to the project as it was backed up

    ok(await call('data/import', 'user-site-admin', 'admin-page', { document, dryRun: false }));

    // Every page shows the project as before (the audit log gains nothing from a restore).
    expect(await pages()).toEqual(shownBefore);
    const refusedAfter = await promote();
    expect(refusedAfter).toEqual(refusedBefore);
    await expect(spikeClose()).resolves.toMatchObject({ result: true });
    // The guard still takes DT as set up: an unscoped enabler dragged into the sprint goes back.
    const unscoped = await dragUnscopedEnablerIntoSprint('Unscoped', '70001');
    expect(commentsOf(ctx.em, unscoped.key).length).toBe(1);
  });
});

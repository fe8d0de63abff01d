import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { allResolvers } from '../../src/resolvers/all-resolvers';
import {
  RESOLVER_PAYLOADS,
  type ResolverKey,
  type Result,
} from '../../src/contract/bridge-contract';
import { useEmulator } from '../helpers/emulator';
import { callResolver } from '../helpers/invoke';
import {
  ACCOUNTS,
  CALLERS,
  extensionOf,
  jiraWrites,
  NEED_OUTCOMES,
  ROWS,
  seedSecuritySite,
  type CallerKind,
  type Row,
  type World,
} from './security-site';

/**
 * Who may call what: every resolver key of the bridge contract, called the way Forge invokes it
 * by each kind of caller, against the emulated site. Each row states the permission the key
 * needs; NEED_OUTCOMES states what each caller gets for that need. A key added to the contract
 * without a row fails the suite, naming the key.
 */
const ctx = useEmulator();

async function call(w: World, key: string, row: Row, caller: CallerKind): Promise<Result<unknown>> {
  if (!allResolvers()[key as ResolverKey]) {
    throw new Error(`resolver ${key} is in the contract but not defined`);
  }
  const accountId = ACCOUNTS[caller];
  const payload =
    caller !== 'forged payload'
      ? row.payload(w)
      : (row.forgedPayload?.(w) ?? {
          ...row.payload(w),
          projectKey: w.other.key,
          issueKey: w.otherIssue.key,
        });
  return callResolver(w.em, key as ResolverKey, accountId, payload, {
    extension: extensionOf(w, row.where, caller === 'forged context'),
  });
}

const KEYS_OF_CONTRACT = Object.keys(RESOLVER_PAYLOADS);
const CASES = KEYS_OF_CONTRACT.flatMap((key) => CALLERS.map((caller) => [key, caller] as const));

describe('permission matrix', () => {
  it('has a row for every resolver key of the contract, and no row for a key it lacks', () => {
    const missing = KEYS_OF_CONTRACT.filter((k) => !(k in ROWS));
    if (missing.length > 0) {
      throw new Error(
        `Resolver key(s) without a permission-matrix row: ${missing.join(', ')}. Add a row to ROWS in test/security/permission-matrix.test.ts stating the permission each needs.`,
      );
    }
    expect(Object.keys(ROWS).filter((k) => !KEYS_OF_CONTRACT.includes(k))).toEqual([]);
    expect(Object.keys(allResolvers()).sort()).toEqual([...KEYS_OF_CONTRACT].sort());
  });

  let tried = 0;
  afterAll(() => {
    console.log(
      `permission matrix: ${KEYS_OF_CONTRACT.length} resolver keys x ${CALLERS.length} callers = ${tried} calls checked`,
    );
  });

  it.each(CASES)('%s as %s', async (key, caller) => {
    const row = ROWS[key];
    if (!row) throw new Error(`Resolver key "${key}" has no permission-matrix row`);
    const w = seedSecuritySite(ctx.em);
    const expected = row.except?.[caller] ?? NEED_OUTCOMES[row.need][caller];
    ctx.em.resetCalls();
    const result = await call(w, key, row, caller);
    tried += 1;
    const got = result.ok ? 'ok' : result.error.code;
    if (got !== expected) {
      throw new Error(
        `${key} as ${caller}: expected ${expected}, got ${got}${result.ok ? '' : ` (${result.error.message})`}`,
      );
    }
    if (!result.ok && expected !== 'ok') {
      // A refusal carries no data of the thing refused, and changed nothing: no Jira write, no
      // storage write. So a check removed from the app is seen even where Jira's own refusal
      // would have produced the same error code.
      expect(Object.keys(result)).toEqual(['ok', 'error']);
      expect(jiraWrites(ctx.em)).toEqual([]);
      expect(ctx.em.kvs.writes()).toBe(0);
    }
  });
});

/**
 * Where the app identity reads or writes Jira. Each module that uses it must be reviewed: the
 * reason says why no result reaches a user without a permission check first. A new module using
 * `jiraAsApp`/`asApp()` fails until it is added here.
 */
const AS_APP_ALLOWED: Record<string, string> = {
  'src/jira/jira-gateway.ts': 'defines jiraAsApp; the only caller of api.asApp()',
  'src/validators/enabler-gate.ts':
    'workflow validator: Jira invokes it on a transition; answers only pass/refuse with a message about the issue being transitioned',
  'src/validators/discovery-gate.ts': 'workflow validator, as above',
  'src/validators/spike-close-gate.ts': 'workflow validator, as above',
  'src/triggers/track-marker-trigger.ts': 'trigger: writes the Track field; nothing reaches a user',
  'src/items/track-marker.ts':
    'app-field writer (Track is read-only, app-written) used by the trigger and by setup after its Administer projects check',
  'src/setup/setup-action.ts':
    'setup/run marks issues with their track as the app, after the Administer projects check; reports counts only',
  'src/items/site-fields.ts':
    'setup/run remembers field ids from the field list, after the Administer projects check; returns ids only',
  'src/setup/setup-run.ts':
    'names the app gateway setup/run marks issues with (see setup-action.ts)',
  'src/jira/issues.ts':
    'the app-field value write (Track, Discovery evidence) takes the app gateway; its callers are listed here',
  'src/items/evidence-field.ts':
    'writes the read-only Discovery evidence summary field after the Edit issues check, and rewrites it from the log when the issue panel (after its Browse check) finds it stale',
  'src/enforcement/spike-decision.ts':
    'trigger on a spike closing: posts its decision as a comment only on waiting items in the spike’s project without an issue security level, and never for a spike with one (nameKeys)',
  'src/enforcement/sprint-guard.ts':
    'trigger: moves an item back / flags it and comments; nothing is returned to a user',
  'src/enforcement/sprint-start.ts': 'trigger: sprint-start check, comments only',
  'src/enforcement/sprint-start-plan.ts': "the sprint-start check's reads and decisions, as above",
  'src/enforcement/sprint-start-actions.ts':
    "the sprint-start check's moves, flags, comments and audit entries, as above",
  'src/items/item-facts.ts': 'reads for the triggers and validators above',
  'src/enforcement/interventions.ts': 'writes for the triggers above (backlog move, flag, comment)',
  'src/issue-panel/lead-engineers.ts':
    'after the Edit issues check on the idea, one comment as the app mentioning the lead engineers (it names no other issue); nothing read as the app reaches the user',
  'src/retro/retro-job-steps.ts':
    "queue consumer: reads the project's items for the shared retro job, leaving out every item with an issue security level (the report names only what everyone with Browse projects sees); retro/job/start and retro/job/status show it only after the Browse projects check",
  'src/enforcement/sprint-start-job.ts':
    'queue consumer: the sprint-start check of a large sprint in steps (moves, flags, comments, audit); nothing is returned to a user',
  'src/resolvers/enforcement-resolvers.ts':
    'validator/config-defaults reads the app field id as the app only after the Administer Jira check',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

describe('asApp() results never reach a user unchecked', () => {
  const root = join(__dirname, '..', '..');
  const users = sourceFiles(join(root, 'src'))
    .filter((f) => /\bjiraAsApp\b|\basApp\s*\(/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(root, f).split('\\').join('/'))
    .sort();

  it('every module using the app identity is on the reviewed allow-list, with its reason', () => {
    const unreviewed = users.filter((f) => !(f in AS_APP_ALLOWED));
    if (unreviewed.length > 0) {
      throw new Error(
        `Module(s) using jiraAsApp/asApp() without review: ${unreviewed.join(', ')}. Check that every result reaching a user is preceded by a permission check, then add the module to AS_APP_ALLOWED with the reason.`,
      );
    }
    expect(Object.keys(AS_APP_ALLOWED).filter((f) => !users.includes(f))).toEqual([]);
  });

  it('Custom UI code never uses the app identity', () => {
    const ui = sourceFiles(join(root, 'static')).filter(
      (f) => !f.includes('node_modules') && !f.includes(`${join('dist')}`) && /src/.test(f),
    );
    for (const f of ui) expect(readFileSync(f, 'utf8')).not.toMatch(/\basApp\s*\(/);
  });
});

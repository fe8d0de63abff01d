import fc from 'fast-check';
import { ConfigOverrideSchema, ConfigSchema } from '../../src/domain/config';
import * as handlers from '../../src/index';
import { IssueEventSchema } from '../../src/enforcement/sprint-guard';
import { SprintStartedEventSchema } from '../../src/enforcement/sprint-start';
import {
  RESOLVER_PAYLOADS,
  type ResolverKey,
  type Result,
} from '../../src/contract/bridge-contract';
import { TrackEventSchema } from '../../src/triggers/track-marker-trigger';
import { ValidatorArgsSchema } from '../../src/validators/validator-contract';
import type { JiraEmulator } from '../../dev/emulator/jira-emulator';
import type { EmSprint } from '../../dev/emulator/model';
import { useEmulator } from '../helpers/emulator';
import { callResolver, runTrigger, runValidator } from '../helpers/invoke';
import {
  createdEvent,
  sprintChangeEvent,
  sprintStartedEvent,
} from '../enforcement/enforcement-site';
import {
  ACCOUNTS,
  extensionOf,
  NEED_OUTCOMES,
  ROWS,
  seedSecuritySite,
  type CallerKind,
  type World,
} from './security-site';

/**
 * Hostile and malformed input for every entry point, with fast-check: each resolver key of the
 * contract (as a Jira admin with every permission, so that only validation stands in the way),
 * the three function validators, the five trigger event shapes (track marker: created, type
 * changed; sprint guard: created, Sprint changed; sprint started), evidence links and the
 * configuration schema.
 *
 * Properties: nothing escapes a handler; a refusal names the offending field; a refused write
 * leaves storage exactly as it was; no payload pollutes Object.prototype. Then each key again as
 * every caller the permission matrix refuses (project admin, users with and without Browse,
 * anonymous, inactive), with the valid payload and mutated ones: never ok, no storage change, no
 * Jira write. Removing a resolver's permission requirement fails it.
 */
const ctx = useEmulator();

/** Each call is one invocation of the real handler, as Forge makes it (test/helpers/invoke.ts). */
const discoveryGate = (args: unknown, context?: unknown) =>
  runValidator(ctx.em, handlers.discoveryGate, args, context);
const enablerGate = (args: unknown, context?: unknown) =>
  runValidator(ctx.em, handlers.enablerGate, args, context);
const spikeCloseGate = (args: unknown, context?: unknown) =>
  runValidator(ctx.em, handlers.spikeCloseGate, args, context);
const sprintGuard = (event: unknown) => runTrigger(ctx.em, handlers.sprintGuard, event);
const sprintStartCheck = (event: unknown) => runTrigger(ctx.em, handlers.sprintStartCheck, event);
const trackMarker = (event: unknown) => runTrigger(ctx.em, handlers.trackMarker, event);
const RUNS = 100;
/** Mutated payloads per key and refused caller. */
const CALLER_RUNS = 12;
const ADMIN = 'user-site-admin';
let casesRun = 0;
let rejected = 0;

afterAll(() => {
  console.log(
    `fuzz: ${casesRun} cases run (${rejected} rejected as invalid), no exception escaped, storage unchanged after every rejection, no prototype pollution`,
  );
});

afterEach(() => {
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect(Object.keys(Object.prototype)).toEqual([]);
});

function snapshot(em: JiraEmulator): string {
  return JSON.stringify(em.kvs.keys().map((k) => [k, em.kvs.peek(k)]));
}

/** Payloads as the bridge delivers them: parsed from JSON, so `__proto__` is an own key. */
const hostileKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
);
const weird = fc.oneof(
  fc.constantFrom(
    null,
    true,
    0,
    -1,
    1e308,
    Number.MAX_SAFE_INTEGER + 2,
    '',
    ' ',
    '\u0000',
    '\u202e\u200b\ud83d\ude00',
    'DT-1',
    'OTHER-1',
    '../../rest/api/3/myself',
    "'; drop table --",
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.anything(), { maxLength: 3 }),
  fc.constant('x'.repeat(100_000)),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.anything({ maxDepth: 1 }), { maxKeys: 3 }),
  fc.constant(JSON.parse('{"__proto__":{"polluted":"yes"}}') as unknown),
);

type Mutation =
  | { kind: 'replace'; field: string; value: unknown }
  | { kind: 'drop'; field: string }
  | { kind: 'extra'; field: string; value: unknown }
  | { kind: 'whole'; value: unknown };

function mutations(fields: readonly string[]): fc.Arbitrary<Mutation> {
  const field = fields.length > 0 ? fc.constantFrom(...fields) : fc.constant('x');
  return fc.oneof(
    fc.record({ kind: fc.constant('replace' as const), field, value: weird }),
    fc.record({ kind: fc.constant('drop' as const), field }),
    fc.record({
      kind: fc.constant('extra' as const),
      field: fc.oneof(hostileKey, fc.constantFrom('projectKey', 'issueId', 'accountId')),
      value: weird,
    }),
    fc.record({ kind: fc.constant('whole' as const), value: fc.oneof(weird, fc.anything()) }),
  );
}

function apply(valid: Record<string, unknown>, m: Mutation): unknown {
  if (m.kind === 'whole') return m.value;
  const copy: Record<string, unknown> = JSON.parse(JSON.stringify(valid)) as Record<
    string,
    unknown
  >;
  if (m.kind === 'drop') {
    delete copy[m.field];
    return copy;
  }
  // Define, not assign, so that "__proto__" becomes an own property as JSON.parse makes it.
  Object.defineProperty(copy, m.field, {
    value: m.value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return JSON.parse(JSON.stringify(copy)) as unknown;
}

interface Refusal {
  code: string;
  message: string;
  details?: unknown;
}

/** A refusal names the field: its message holds each problem's path (or says "payload"). */
function namesField(error: Refusal, m: Mutation): void {
  expect(error.message.length).toBeGreaterThan(0);
  const fields = (error.details as { fields?: Array<{ path: string }> } | undefined)?.fields;
  if (fields) {
    for (const f of fields) {
      expect(typeof f.path).toBe('string');
      if (f.path !== '') expect(error.message).toContain(f.path);
    }
  }
  if (m.kind === 'extra') expect(error.message).toContain(m.field);
  if (m.kind === 'replace' || m.kind === 'drop') {
    // The mutated field itself (or something inside it) must be named; the payload root counts
    // as its parent only when the message still says which field.
    const paths = (fields ?? []).map((f) => f.path);
    const named =
      paths.some((p) => p === m.field || p.startsWith(`${m.field}.`)) ||
      ((paths.length === 0 || paths.includes('')) && error.message.includes(m.field));
    if (!named) {
      throw new Error(
        `a refusal after the ${m.kind} of "${m.field}" names [${paths.join(', ')}]: ${error.message}`,
      );
    }
  }
}

describe('every resolver key survives hostile payloads', () => {
  const keys = Object.keys(RESOLVER_PAYLOADS) as ResolverKey[];

  it.each(keys)('%s', async (key) => {
    const w: World = seedSecuritySite(ctx.em);
    const row = ROWS[key];
    const valid = row?.payload(w) ?? {};
    const where = row?.where ?? 'project';
    await fc.assert(
      fc.asyncProperty(mutations(Object.keys(valid)), async (m) => {
        casesRun += 1;
        const payload = apply(valid, m);
        const before = snapshot(ctx.em);
        let result: Result<unknown>;
        try {
          result = await callResolver(ctx.em, key, ADMIN, payload, {
            extension: extensionOf(w, where, false),
          });
        } catch (error) {
          throw new Error(`${key} threw ${String(error)} for ${JSON.stringify(m).slice(0, 300)}`);
        }
        expect(typeof result.ok).toBe('boolean');
        if (result.ok) return;
        expect(result.error.code).not.toBe('internal');
        if (result.error.code === 'invalid-input') {
          rejected += 1;
          namesField(result.error, m);
          expect(snapshot(ctx.em)).toBe(before);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

/** Requests that read although they are POSTs. */
const READ_POSTS =
  /^\/rest\/api\/3\/(search\/jql|search\/approximate-count|issue\/bulkfetch|changelog\/bulkfetch|user\/bulk|permissions\/check)/;

/** Callers who may not use a key (by the permission matrix) never get past its checks. */
describe('hostile payloads from callers who may not act', () => {
  const keys = Object.keys(RESOLVER_PAYLOADS) as ResolverKey[];
  const CALLERS_TRIED: CallerKind[] = [
    'project admin',
    'user with Browse',
    'user without Browse',
    'anonymous',
    'inactive user',
  ];
  const cases = keys.flatMap((key) => {
    const need = ROWS[key]?.need;
    if (!need) return [];
    return CALLERS_TRIED.filter((caller) => NEED_OUTCOMES[need][caller] !== 'ok').map(
      (caller) => [key, caller] as const,
    );
  });

  it('tries every key with at least one caller it refuses', () => {
    expect(new Set(cases.map(([key]) => key)).size).toBe(keys.length);
  });

  it.each(cases)('%s as %s: never ok, nothing written', async (key, caller) => {
    const w: World = seedSecuritySite(ctx.em);
    const row = ROWS[key];
    const valid = row?.payload(w) ?? {};
    const where = row?.where ?? 'project';
    await fc.assert(
      // The valid payload itself too (m undefined): the caller's permission alone must stop it.
      fc.asyncProperty(fc.option(mutations(Object.keys(valid)), { nil: undefined }), async (m) => {
        casesRun += 1;
        const payload = m === undefined ? valid : apply(valid, m);
        const before = snapshot(ctx.em);
        ctx.em.resetCalls();
        let result: Result<unknown>;
        try {
          result = await callResolver(ctx.em, key, ACCOUNTS[caller], payload, {
            extension: extensionOf(w, where, false),
          });
        } catch (error) {
          throw new Error(`${key} threw ${String(error)} for ${JSON.stringify(m).slice(0, 300)}`);
        }
        const shown = m === undefined ? 'the valid payload' : JSON.stringify(m).slice(0, 200);
        if (result.ok) throw new Error(`${key} answered ${caller} ok for ${shown}`);
        expect(result.error.code).not.toBe('internal');
        expect(snapshot(ctx.em)).toBe(before);
        const writes = ctx.em
          .jiraCalls()
          .filter((c) => c.method !== 'GET' && !(c.method === 'POST' && READ_POSTS.test(c.path)));
        expect(writes.map((c) => `${c.method} ${c.path}`)).toEqual([]);
      }),
      { numRuns: CALLER_RUNS, examples: [[undefined]] },
    );
  });
});

describe('evidence links', () => {
  const link = fc.oneof(
    fc.constantFrom(
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      '//evil.example/x',
      'https://',
      'https://example.com/notes',
      'http://example.com/a?b=c#d',
    ),
    fc.webUrl(),
    fc.string({ maxLength: 30 }).map((t) => `javascript:${t}`),
    fc.string({ maxLength: 30 }).map((t) => `data:${t}`),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
  );

  it('evidence/add stores only http(s) links; any other is refused naming entry.link', async () => {
    const w = seedSecuritySite(ctx.em);
    await fc.assert(
      fc.asyncProperty(link, async (url) => {
        casesRun += 1;
        const before = snapshot(ctx.em);
        const result = await callResolver(
          ctx.em,
          'evidence/add',
          ADMIN,
          { entry: { type: 'interview', date: '2026-10-02', summary: 'Talked to Bo', link: url } },
          { extension: extensionOf(w, 'idea', false) },
        );
        if (result.ok) {
          const stored = (result.data as { evidence: { entries: Array<{ link?: string }> } })
            .evidence.entries;
          for (const e of stored) if (e.link) expect(e.link).toMatch(/^https?:\/\/[^/]/i);
          return;
        }
        rejected += 1;
        expect(result.error.code).toBe('invalid-input');
        expect(result.error.message).toContain('entry.link');
        expect(snapshot(ctx.em)).toBe(before);
      }),
      { numRuns: 150 },
    );
  });
});

describe('the configuration schema', () => {
  it('parses or refuses any value, naming the path of every problem, without pollution', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record({
            runway: fc.oneof(weird, fc.record({ pauseAtSprints: weird })),
            validation: weird,
            gate: fc.oneof(weird, fc.record({ issueTypes: weird })),
          }),
          fc.constant(
            JSON.parse(
              '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":1}}}',
            ) as unknown,
          ),
        ),
        (value) => {
          casesRun += 2;
          for (const schema of [ConfigSchema, ConfigOverrideSchema]) {
            const parsed = schema.safeParse(value);
            if (!parsed.success) {
              rejected += 1;
              for (const issue of parsed.error.issues) expect(Array.isArray(issue.path)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('settings/global/save refuses a bad setting by its path and writes nothing', async () => {
    const w = seedSecuritySite(ctx.em);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('runway', 'validation', 'spike', 'gate', 'guard', 'scopedOutcome'),
        weird,
        async (section, value) => {
          casesRun += 1;
          const before = snapshot(ctx.em);
          const result = await callResolver(
            ctx.em,
            'settings/global/save',
            ADMIN,
            { settings: { [section]: value }, expectedVersion: 0 },
            { extension: extensionOf(w, 'admin-page', false) },
          );
          // A valid section saves (and a later save based on version 0 then conflicts).
          if (result.ok || result.error.code === 'conflict') return;
          rejected += 1;
          expect(result.error.code).toBe('invalid-input');
          expect(result.error.message).toContain(`settings.${section}`);
          expect(snapshot(ctx.em)).toBe(before);
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('the function validators', () => {
  const validArgs = (w: World) => ({
    issue: { key: w.enabler.key },
    configuration: '{"issueTypes":["Enabler"]}',
    transition: { from: { id: '10000' }, to: { id: '10001' } },
  });

  it.each([
    ['enabler gate', enablerGate],
    ['discovery gate', discoveryGate],
    ['spike close gate', spikeCloseGate],
  ] as const)('%s answers every argument with pass/refuse and never throws', async (_, gate) => {
    const w = seedSecuritySite(ctx.em);
    await fc.assert(
      fc.asyncProperty(
        mutations(['issue', 'configuration', 'transition', 'modifiedFields']),
        async (m) => {
          casesRun += 1;
          const args = apply(validArgs(w), m);
          const before = snapshot(ctx.em);
          const answer = await gate(args, { accountId: 'user-member' });
          expect(typeof answer.result).toBe('boolean');
          if (answer.result) return;
          expect(answer.errorMessage?.length ?? 0).toBeGreaterThan(0);
          const parsed = ValidatorArgsSchema.safeParse(args);
          if (!parsed.success) {
            rejected += 1;
            const first = parsed.error.issues[0];
            const where = first && first.path.length > 0 ? first.path.join('.') : 'configuration';
            expect(answer.errorMessage).toContain(where);
            expect(snapshot(ctx.em)).toBe(before);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('the triggers', () => {
  type Trigger = (event: unknown) => Promise<unknown>;
  const shapes: Array<
    [
      string,
      Trigger,
      (w: World) => Record<string, unknown>,
      { safeParse: (v: unknown) => { success: boolean } },
    ]
  > = [
    [
      'track marker (issue created)',
      trackMarker,
      (w) => createdEvent(w.em, w.enabler),
      TrackEventSchema,
    ],
    [
      'track marker (issue type changed)',
      trackMarker,
      (w) => {
        const event = sprintChangeEvent(w.em, w.enabler, { to: { id: 0, name: '' } as EmSprint });
        const story = [...w.em.issueTypes.values()].find((t) => t.name === 'Story');
        return {
          ...event,
          changelog: {
            id: '50002',
            items: [
              {
                field: 'issuetype',
                fieldtype: 'jira',
                fieldId: 'issuetype',
                from: story?.id ?? '',
                fromString: 'Story',
                to: w.enabler.issueTypeId,
                toString: 'Enabler',
              },
            ],
          },
        };
      },
      TrackEventSchema,
    ],
    [
      'sprint guard (issue created)',
      sprintGuard,
      (w) => createdEvent(w.em, w.enabler),
      IssueEventSchema,
    ],
    [
      'sprint guard (Sprint changed)',
      sprintGuard,
      (w) => {
        const sprint = [...w.em.sprints.values()][0];
        if (!sprint) throw new Error('no sprint');
        return sprintChangeEvent(w.em, w.enabler, { to: sprint });
      },
      IssueEventSchema,
    ],
    [
      'sprint start',
      sprintStartCheck,
      (w) => {
        const sprint = [...w.em.sprints.values()][0];
        if (!sprint) throw new Error('no sprint');
        return sprintStartedEvent(sprint);
      },
      SprintStartedEventSchema,
    ],
  ];

  it.each(shapes)(
    '%s: any event is handled or dropped, never thrown',
    async (_, trigger, event, schema) => {
      const w = seedSecuritySite(ctx.em);
      const valid = event(w);
      await fc.assert(
        fc.asyncProperty(mutations(Object.keys(valid)), async (m) => {
          casesRun += 1;
          const raw = apply(valid, m);
          const before = snapshot(ctx.em);
          const answer = await trigger(raw);
          expect(answer === undefined || typeof answer === 'object').toBe(true);
          if (!schema.safeParse(raw).success) {
            rejected += 1;
            expect(snapshot(ctx.em)).toBe(before);
          }
        }),
        { numRuns: 60 },
      );
    },
  );
});

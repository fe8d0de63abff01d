/**
 * The preview server's invoke routing (dev/preview/server.ts) without a browser: every page the
 * manifest renders, pages named by `?module=&entryPoint=` checked against the manifest, contexts
 * shaped as Forge documents them, and an invoke reaching only the resolver of the module that
 * renders the page (none: the invoke fails and nothing runs).
 */
import {
  previewPages,
  readManifest,
  startPreviewServer,
  type PreviewManifest,
  type PreviewServer,
} from '../../dev/preview/server';

jest.setTimeout(60_000);

const VALIDATORS = [
  'enabler-gate-validator',
  'enabler-gate-expression',
  'discovery-gate-validator',
];

/** manifest.yml with `resolver` removed from one module. */
function withoutResolver(moduleKey: string): PreviewManifest {
  const manifest = structuredClone(readManifest());
  for (const list of Object.values(manifest.modules ?? {})) {
    for (const m of list ?? []) if (m.key === moduleKey) delete m.resolver;
  }
  return manifest;
}

async function post(server: PreviewServer, body: unknown) {
  const response = await fetch(new URL('api/invoke', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('pages the manifest renders', () => {
  it('validator-config is rendered by each validator module × create/edit/view', () => {
    const pages = previewPages().filter((p) => p.resource === 'validator-config');
    expect(pages.map((p) => `${p.moduleKey}/${p.entryPoint ?? ''}`).sort()).toEqual(
      VALIDATORS.flatMap((m) => ['create', 'edit', 'view'].map((e) => `${m}/${e}`)).sort(),
    );
    for (const p of pages) {
      expect(p.path).toBe(`/validator-config/?module=${p.moduleKey}&entryPoint=${p.entryPoint}`);
      expect(p.resolverFunction).toBe('resolver');
    }
  });

  it('custom field editors are their module’s edit entry point', () => {
    const editors = previewPages().filter((p) => p.moduleType === 'jira:customField');
    expect(editors.map((p) => [p.moduleKey, p.entryPoint, p.resource])).toEqual([
      ['scoped-outcome', 'edit', 'scoped-outcome-edit'],
      ['entry-triage', 'edit', 'entry-triage-edit'],
    ]);
  });
});

describe('the preview server', () => {
  let server: PreviewServer | undefined;
  beforeAll(async () => {
    server = await startPreviewServer({ port: 0 });
  });
  afterAll(async () => {
    await server?.close();
  });
  const started = (s: PreviewServer | undefined): PreviewServer => {
    if (!s) throw new Error('the preview did not start');
    return s;
  };

  it('gives a validator screen the context Forge documents: moduleKey, type, entryPoint, saved config', async () => {
    const s = started(server);
    s.ruleConfigs.set('enabler-gate-expression', '{"issueTypes":["Enabler"]}');
    const get = async (query: string) => {
      const r = await fetch(new URL(`api/context?resource=validator-config&${query}`, s.url));
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    const edit = await get('module=enabler-gate-expression&entryPoint=edit');
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({
      moduleKey: 'enabler-gate-expression',
      extension: {
        type: 'jira:workflowValidator',
        entryPoint: 'edit',
        isNewEditor: true,
        validatorConfig: '{"issueTypes":["Enabler"]}',
      },
    });
    const create = await get('module=enabler-gate-expression&entryPoint=create');
    expect(create.body['extension']).not.toHaveProperty('validatorConfig');
    const ambiguous = await get('');
    expect(ambiguous.status).toBe(404);
    expect(ambiguous.body['message']).toMatch(/name one with \?module=&entryPoint=/);
    const wrong = await get('module=project-page&entryPoint=edit');
    expect(wrong.status).toBe(404);
    expect(wrong.body['message']).toMatch(/no module of manifest.yml renders validator-config/);
  });

  it('gives a custom field editor the documented extension data (fieldId, fieldValue, issue, entryPoint)', () => {
    const s = started(server);
    const context = s.contexts['scoped-outcome-edit'];
    expect(context?.moduleKey).toBe('scoped-outcome');
    expect(context?.extension).toMatchObject({
      type: 'jira:customField',
      entryPoint: 'edit',
      fieldId: expect.stringMatching(/^customfield_\d+$/) as string,
      renderContext: 'issue-view',
      issue: { key: expect.any(String) as string, typeId: expect.any(String) as string },
    });
  });

  it('an invoke from a validator screen reaches its module’s resolver', async () => {
    const answer = await post(started(server), {
      resource: 'validator-config',
      module: 'enabler-gate-expression',
      entryPoint: 'create',
      functionKey: 'validator/config-defaults',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      ok: true,
      data: { scopedOutcomeFieldId: expect.stringMatching(/^customfield_/) as string },
    });
  });

  it('runs each invoke as one resolver invocation under its time limit, and nothing outside one', async () => {
    const s = started(server);
    expect(s.em.invocations.requireInvocation).toBe(true);
    const before = s.em.invocations.log.length;
    const answer = await post(s, { resource: 'project-page', functionKey: 'project/overview' });
    expect(answer.body['ok']).toBe(true);
    expect(s.em.invocations.log.slice(before)).toEqual([
      expect.objectContaining({ kind: 'resolver', name: 'project/overview', exceeded: false }),
    ]);
    // Past the 25 s limit the page gets the stop, naming the resolver, and no answer.
    const latency = { ...s.em.invocations.latency };
    s.em.invocations.latency.jiraRequestMs = 30_000;
    try {
      const slow = await post(s, { resource: 'project-page', functionKey: 'project/overview' });
      expect(slow.status).toBe(500);
      expect(slow.body['message']).toMatch(
        /^resolver project\/overview exceeded the 25 s limit for UI resolvers: stopped at 30\.\d s/,
      );
    } finally {
      s.em.invocations.latency = latency;
      s.em.violations.length = 0;
    }
  });

  it('a page that does not name its module among several is refused, nothing runs', async () => {
    const answer = await post(started(server), {
      resource: 'validator-config',
      functionKey: 'validator/config-defaults',
    });
    expect(answer.status).toBe(404);
  });

  it('an invoke from a module without a resolver fails with the reason', async () => {
    // Its own server, for this test only: each server installs its emulator at the one global
    // Forge fetch seam, so while this one runs the app's requests reach its emulator.
    const s = await startPreviewServer({
      port: 0,
      manifest: withoutResolver('enabler-gate-expression'),
    });
    try {
      const answer = await post(s, {
        resource: 'validator-config',
        module: 'enabler-gate-expression',
        entryPoint: 'edit',
        functionKey: 'validator/config-defaults',
      });
      expect(answer.status).toBe(400);
      expect(answer.body['message']).toBe(
        'module enabler-gate-expression (jira:workflowValidator) declares no resolver: invoke ' +
          'reaches only the resolver of the module that renders the page',
      );
      // The other validators keep theirs.
      const other = await post(s, {
        resource: 'validator-config',
        module: 'enabler-gate-validator',
        entryPoint: 'edit',
        functionKey: 'validator/config-defaults',
      });
      expect(other.body['ok']).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('an unknown function key is an error of the resolver, not a result', async () => {
    const answer = await post(started(server), {
      resource: 'project-page',
      functionKey: 'no/such-key',
    });
    expect(answer.status).toBe(500);
    expect(answer.body['message']).toBe("Resolver has no definition for 'no/such-key'.");
  });

  it('the frame’s sidebar offers every validator configuration screen and field editor', async () => {
    const s = started(server);
    const res = await fetch(s.url);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    const links = [...html.matchAll(/href="(\/admin\/rules\/[^"]+)"/g)].map((m) => m[1]);
    expect([...new Set(links)].sort()).toEqual(
      VALIDATORS.flatMap((m) =>
        ['create', 'edit', 'view'].map((e) => `/admin/rules/${m}/${e}`),
      ).sort(),
    );
    expect(html).toMatch(/href="\/browse\/DT-\d+\/field\/scoped-outcome"/);
    expect(html).toMatch(/href="\/browse\/DT-\d+\/field\/entry-triage"/);
    expect(html).toContain('Ctrl+C');
  });

  it('opens a field editor on the issue its page names, with that issue’s value', async () => {
    const s = started(server);
    const issue = [...s.em.issues.values()].find(
      (i) => i.summary === 'Spike: Postgres logical replication for reporting',
    );
    if (!issue) throw new Error('no demo spike');
    const r = await fetch(
      new URL(`api/context?resource=scoped-outcome-edit&issue=${issue.key}`, s.url),
    );
    const context = (await r.json()) as { extension: Record<string, unknown> };
    expect((context.extension['issue'] as { key: string }).key).toBe(issue.key);
    expect(context.extension['fieldValue']).toMatchObject({ timeboxDays: 3 });
    expect(context.extension['fieldValue']).toEqual(
      issue.custom.get(String(context.extension['fieldId'])),
    );
    const elsewhere = await fetch(
      new URL('api/context?resource=scoped-outcome-edit&issue=NOPE-1', s.url),
    );
    expect(elsewhere.status).toBe(404);
    await expect(elsewhere.json()).resolves.toEqual({ message: 'no demo issue NOPE-1' });
  });
});

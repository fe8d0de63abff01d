import fs from 'node:fs';
import path from 'node:path';
import type { OperationMatch, RequestCheck } from '../../dev/emulator/openapi';
import { checkRequest, checkResponse, hasScope, listOperations } from '../../dev/emulator/openapi';
import { findJiraCalls, listSourceFiles, type JiraCall } from '../manifest/lint-harness';

const CONTRACTS_DIR = path.join(__dirname, '..', '..', 'dev', 'contracts');

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(CONTRACTS_DIR, file), 'utf8'));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function at(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) current = isRecord(current) ? current[key] : undefined;
  return current;
}

function request(method: string, url: string, body?: unknown): RequestCheck {
  const [pathname = '', search = ''] = url.split('?');
  return checkRequest({ method, path: pathname, query: new URLSearchParams(search), body });
}

function accepted(method: string, url: string, body?: unknown): OperationMatch {
  const result = request(method, url, body);
  if (!result.ok) throw new Error(`expected ${method} ${url} to be accepted: ${result.message}`);
  return result.op;
}

function rejected(
  method: string,
  url: string,
  body?: unknown,
): { status: number; message: string } {
  const result = request(method, url, body);
  if (result.ok) throw new Error(`expected ${method} ${url} to be rejected`);
  return { status: result.status, message: result.message };
}

/** The documented example of a response, parsed (platform examples are JSON strings). */
function responseExample(api: 'platform' | 'software', template: string, status: string): unknown {
  const doc = readJson(`jira-${api}.subset.json`);
  const example = at(doc, 'paths', template, 'get', 'responses', status, 'content');
  const raw = at(example, 'application/json', 'example');
  return typeof raw === 'string' ? JSON.parse(raw) : raw;
}

describe('checkRequest: routing', () => {
  it('matches templated paths and decodes path parameters', () => {
    const op = accepted('get', '/rest/api/3/issue/DT%2D1');
    expect(op).toMatchObject({
      api: 'platform',
      method: 'GET',
      template: '/rest/api/3/issue/{issueIdOrKey}',
      operationId: 'getIssue',
      pathParams: { issueIdOrKey: 'DT-1' },
    });

    const field = accepted('PUT', '/rest/api/3/app/field/dual-track%3Atrack/value', {
      updates: [{ issueIds: [10001], value: 'discovery' }],
    });
    expect(field.template).toBe('/rest/api/3/app/field/{fieldIdOrKey}/value');
    expect(field.pathParams).toEqual({ fieldIdOrKey: 'dual-track:track' });

    const sprint = accepted('GET', '/rest/agile/1.0/sprint/42/issue?startAt=0&maxResults=50');
    expect(sprint).toMatchObject({
      api: 'software',
      template: '/rest/agile/1.0/sprint/{sprintId}/issue',
      pathParams: { sprintId: '42' },
    });
  });

  it('prefers literal segments over templated ones', () => {
    const bulk = accepted('POST', '/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: ['DT-1'] });
    expect(bulk.template).toBe('/rest/api/3/issue/bulkfetch');
    expect(bulk.pathParams).toEqual({});
    expect(accepted('GET', '/rest/api/3/issuetype/project?projectId=10000').template).toBe(
      '/rest/api/3/issuetype/project',
    );
    expect(accepted('GET', '/rest/api/3/issuetypescheme/project?projectId=1').template).toBe(
      '/rest/api/3/issuetypescheme/project',
    );
    // the literal path wins even when only the templated one has the method
    expect(rejected('GET', '/rest/api/3/issue/bulkfetch').status).toBe(405);
  });

  it('rejects unknown endpoints with 404', () => {
    expect(rejected('GET', '/rest/api/3/foo')).toEqual({
      status: 404,
      message: 'No such Jira REST endpoint: GET /rest/api/3/foo (not in the OpenAPI contract)',
    });
    expect(rejected('GET', '/rest/api/3/issue/').status).toBe(404);
    expect(rejected('GET', '/rest/api/3/issue/DT-1/comment/extra').status).toBe(404);
    expect(rejected('POST', '/rest/api/3/expression/eval', { expression: 'issue' }).status).toBe(
      404,
    );
    expect(rejected('GET', '/rest/api/2/issue/DT-1').status).toBe(404);
  });

  it('rejects undocumented methods with 405', () => {
    const result = rejected('DELETE', '/rest/api/3/issue/DT-1');
    expect(result.status).toBe(405);
    expect(result.message).toContain('DELETE');
    expect(result.message).toContain('GET, PUT');
    expect(rejected('GET', '/rest/api/3/search/approximate-count').status).toBe(405);
    expect(rejected('GET', '/rest/api/3/search/jql?jql=x').message).toContain('(documented: POST)');
    expect(rejected('PUT', '/rest/agile/1.0/sprint/1').status).toBe(405);
  });
});

describe('checkRequest: parameters', () => {
  it('rejects unknown query parameters', () => {
    const result = rejected('GET', '/rest/api/3/issue/DT-1?fields=summary&foo=1');
    expect(result.status).toBe(400);
    expect(result.message).toContain('Unknown query parameter "foo"');
    expect(rejected('GET', '/rest/api/3/search?jql=project%3DDT').status).toBe(404);
    expect(rejected('GET', '/rest/agile/1.0/sprint/1?startAt=0').message).toContain('"startAt"');
  });

  it('checks the types of documented query parameters', () => {
    expect(accepted('GET', '/rest/agile/1.0/board/7/sprint?maxResults=50').operationId).toBe(
      'getAllSprints',
    );
    const badInt = rejected('GET', '/rest/agile/1.0/board/7/sprint?maxResults=lots');
    expect(badInt.status).toBe(400);
    expect(badInt.message).toContain('"maxResults"');
    expect(badInt.message).toContain('integer');
    expect(rejected('GET', '/rest/api/3/issue/DT-1?failFast=yes').message).toContain(
      'true or false',
    );
    expect(rejected('GET', '/rest/agile/1.0/board?orderBy=size').message).toContain('"orderBy"');
    expect(
      accepted('GET', '/rest/agile/1.0/board?orderBy=-name&projectKeyOrId=DT').operationId,
    ).toBe('getAllBoards');
    expect(rejected('GET', '/rest/api/3/issue/DT-1?expand=names&expand=schema').status).toBe(400);
  });

  it('accepts array query parameters repeated or comma-separated and checks each item', () => {
    accepted('GET', '/rest/api/3/issuetypescheme/project?projectId=10000&projectId=10001');
    accepted('GET', '/rest/api/3/issuetypescheme/project?projectId=10000,10001');
    accepted('GET', '/rest/api/3/issue/DT-1?fields=summary,status&fields=issuetype');
    expect(
      rejected('GET', '/rest/api/3/issuetypescheme/project?projectId=10000,DT').message,
    ).toContain('"projectId"');
  });

  it('enforces required query parameters', () => {
    const result = rejected('GET', '/rest/api/3/issuetype/project');
    expect(result.status).toBe(400);
    expect(result.message).toContain('"projectId"');
    expect(result.message).toContain('required');
  });

  it('checks the types of path parameters', () => {
    const result = rejected('GET', '/rest/agile/1.0/board/scrum/configuration');
    expect(result.status).toBe(400);
    expect(result.message).toContain('"boardId"');
    expect(accepted('GET', '/rest/agile/1.0/board/7/configuration').pathParams).toEqual({
      boardId: '7',
    });
  });
});

describe('checkRequest: bodies', () => {
  it('requires a body when the contract does', () => {
    const result = rejected('POST', '/rest/agile/1.0/backlog/issue');
    expect(result.status).toBe(400);
    expect(result.message).toBe('Request body is required for POST /rest/agile/1.0/backlog/issue');
    expect(rejected('PUT', '/rest/api/3/issue/DT-1').status).toBe(400);
  });

  it('names the JSON path of a mistyped body', () => {
    expect(rejected('POST', '/rest/agile/1.0/backlog/issue', { issues: 'DT-1' })).toEqual({
      status: 400,
      message:
        'Request body does not match the contract for POST /rest/agile/1.0/backlog/issue: /issues must be array',
    });
    expect(rejected('POST', '/rest/api/3/search/jql', { jql: 42 }).message).toContain(
      '/jql must be string',
    );
    expect(
      rejected('POST', '/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: ['DT-1', 2] }).message,
    ).toContain('/issueIdsOrKeys/1 must be string');
    expect(rejected('PUT', '/rest/api/3/issuetypescheme/10000/issuetype', {}).message).toContain(
      "/ must have required property 'issueTypeIds'",
    );
  });

  it("respects the contract's additionalProperties: false", () => {
    const result = rejected('POST', '/rest/agile/1.0/backlog/issue', {
      issues: ['DT-1'],
      rankBeforeIssue: 'DT-2',
    });
    expect(result.message).toContain('/ must NOT have additional property "rankBeforeIssue"');
    accepted('POST', '/rest/agile/1.0/backlog/issue', { issues: ['DT-1'] });
  });

  it('accepts valid bodies', () => {
    accepted('POST', '/rest/agile/1.0/backlog/issue', { issues: ['DT-1', '10001'] });
    accepted('POST', '/rest/api/3/issue', {
      fields: { project: { key: 'DT' }, summary: 'Idea', issuetype: { id: '10001' } },
    });
    accepted('POST', '/rest/api/3/search/jql', {
      jql: 'project = DT ORDER BY Rank ASC',
      fields: ['summary', 'status'],
      maxResults: 100,
    });
    accepted('POST', '/rest/api/3/issue/bulkfetch', {
      issueIdsOrKeys: ['DT-1'],
      fields: ['summary'],
    });
  });

  it('rejects a body on an operation that takes none', () => {
    const result = rejected('GET', '/rest/api/3/field', { accountId: 'x' });
    expect(result.status).toBe(400);
    expect(result.message).toContain('does not take a request body');
  });
});

describe('checkResponse', () => {
  const getIssue = accepted('GET', '/rest/api/3/issue/DT-1');

  it('accepts the documented example of GET issue', () => {
    const example = responseExample('platform', '/rest/api/3/issue/{issueIdOrKey}', '200');
    expect(isRecord(example)).toBe(true);
    expect(checkResponse(getIssue, 200, example)).toEqual([]);
    expect(
      checkResponse(getIssue, 200, {
        id: '10001',
        key: 'DT-1',
        self: 'https://example.atlassian.net/rest/api/3/issue/10001',
        fields: { summary: 'Idea', customfield_10050: null },
      }),
    ).toEqual([]);
  });

  it('rejects a response with a wrong type, naming the JSON path', () => {
    const errors = checkResponse(getIssue, 200, { id: 10001, key: 'DT-1', fields: [] });
    expect(errors).toEqual([
      'GET /rest/api/3/issue/{issueIdOrKey} 200 response: /fields must be object',
      'GET /rest/api/3/issue/{issueIdOrKey} 200 response: /id must be string',
    ]);
    expect(checkResponse(getIssue, 200, { id: '1', surprise: true })).toEqual([
      'GET /rest/api/3/issue/{issueIdOrKey} 200 response: / must NOT have additional property "surprise"',
    ]);
  });

  it('rejects undocumented statuses and bodies where none is documented', () => {
    expect(checkResponse(getIssue, 500, {})[0]).toContain('status 500 is not documented');
    const backlog = accepted('POST', '/rest/agile/1.0/backlog/issue', { issues: ['DT-1'] });
    expect(checkResponse(backlog, 204, undefined)).toEqual([]);
    expect(checkResponse(backlog, 204, { ok: true })).toHaveLength(1);
    // error responses without a documented body may carry Jira's ErrorCollection
    expect(checkResponse(getIssue, 404, { errorMessages: ['Issue does not exist'] })).toEqual([]);
  });

  it('handles nullable properties', () => {
    const comment = accepted('POST', '/rest/api/3/issue/DT-1/comment', { body: 'hi' });
    const visibility = { type: 'group', value: 'jira-users', identifier: null };
    expect(checkResponse(comment, 201, { id: '1', visibility })).toEqual([]);
    expect(checkResponse(comment, 201, { id: '1', visibility: { identifier: 3 } })).toEqual([
      'POST /rest/api/3/issue/{issueIdOrKey}/comment 201 response: /visibility/identifier must be string,null',
    ]);
  });

  it('accepts the documented example of the agile board list', () => {
    const boards = accepted('GET', '/rest/agile/1.0/board?projectKeyOrId=DT');
    const example = responseExample('software', '/rest/agile/1.0/board', '200');
    expect(checkResponse(boards, 200, example)).toEqual([]);
    expect(checkResponse(boards, 200, { values: [{ id: 'eighty-four' }] })).toEqual([
      'GET /rest/agile/1.0/board 200 response: /values/0/id must be integer',
    ]);
  });
});

describe('hasScope', () => {
  it('grants GET issue with read:jira-work or the granular set, not with nothing', () => {
    const op = accepted('GET', '/rest/api/3/issue/DT-1');
    expect(op.scopeSets).toContainEqual(['read:jira-work']);
    expect(hasScope(op, ['read:jira-work'])).toBe(true);
    expect(hasScope(op, ['read:jira-work', 'write:jira-work'])).toBe(true);
    expect(hasScope(op, [])).toBe(false);
    expect(hasScope(op, ['write:jira-work'])).toBe(false);
    const granular = op.scopeSets.find((set) => set.includes('read:issue:jira'));
    expect(granular).toBeDefined();
    expect(hasScope(op, granular ?? [])).toBe(true);
    expect(hasScope(op, ['read:issue:jira'])).toBe(false);
  });

  it('requires write:board-scope:jira-software to move issues to the backlog', () => {
    const op = accepted('POST', '/rest/agile/1.0/backlog/issue', { issues: ['DT-1'] });
    expect(op.scopeSets).toEqual([['write:board-scope:jira-software']]);
    expect(hasScope(op, ['write:board-scope:jira-software'])).toBe(true);
    expect(hasScope(op, ['read:jira-work', 'write:jira-work'])).toBe(false);
  });
});

describe('contract subset files', () => {
  const operations = readJson('operations.json');
  const listed = (['platform', 'software'] as const).flatMap((api) => {
    const entries = at(operations, api);
    if (!Array.isArray(entries)) throw new Error(`operations.json has no ${api} list`);
    return entries.map((entry) => `${api} ${String(entry)}`);
  });

  it('holds exactly the operations listed in operations.json', () => {
    const present = listOperations().map((op) => `${op.api} ${op.method} ${op.template}`);
    expect([...present].sort()).toEqual([...listed].sort());
    expect(new Set(listed).size).toBe(listed.length);
  });

  it.each(['platform', 'software'] as const)(
    'keeps the Apache license and version of the %s description',
    (api) => {
      const doc = readJson(`jira-${api}.subset.json`);
      expect(at(doc, 'info', 'license', 'name')).toBe('Apache 2.0');
      expect(String(at(doc, 'info', 'license', 'url'))).toContain(
        'apache.org/licenses/LICENSE-2.0',
      );
      const version = at(doc, 'info', 'version');
      expect(typeof version).toBe('string');
      const notice = fs.readFileSync(path.join(CONTRACTS_DIR, 'NOTICE.md'), 'utf8');
      expect(notice).toContain(String(version));
      expect(notice).toContain('Apache License');
      expect(isRecord(at(doc, 'components', 'securitySchemes', 'OAuth2'))).toBe(true);
    },
  );

  /**
   * Operations kept in the subset although src/ never calls them, each with its reason (the
   * emulator or a test needs it, e.g. to set up data the way Jira would). Keep it short: an
   * operation the app does not call is a scope the contract suggests and the emulator answers
   * for nothing.
   */
  const NOT_CALLED_BY_THE_APP: ReadonlyArray<{ operation: string; reason: string }> = [];

  /** Listed operations (`METHOD /template`) that no `route` in the given calls sends. */
  function uncalled(entries: readonly string[], calls: readonly JiraCall[]): string[] {
    return entries.filter((entry) => {
      const [method, template = ''] = entry.split(' ');
      const shape = template.replace(/\{[^}]+\}/g, '{}');
      // A call whose method the source does not make plain counts for any method.
      return !calls.some(
        (c) => c.path === shape && (c.method === undefined || c.method === method),
      );
    });
  }
  const entries = listed.map((entry) => entry.replace(/^(platform|software) /, ''));
  const calls = findJiraCalls(listSourceFiles());

  it('holds only operations the app calls from src/, or that the allow-list explains', () => {
    const allowed = new Set(NOT_CALLED_BY_THE_APP.map((a) => a.operation));
    expect(uncalled(entries, calls).filter((op) => !allowed.has(op))).toEqual([]);
    // An allowed entry must still be in the subset and still be uncalled, with a reason.
    for (const { operation, reason } of NOT_CALLED_BY_THE_APP) {
      expect(entries).toContain(operation);
      expect(uncalled([operation], calls)).toEqual([operation]);
      expect(reason.length).toBeGreaterThan(20);
    }
    expect(calls.length).toBeGreaterThan(entries.length / 2);
  });

  it('the check bites: an operation no route sends, or sends with another method, is found', () => {
    expect(
      uncalled(['GET /rest/api/3/myself', 'DELETE /rest/api/3/issue/{issueIdOrKey}'], calls),
    ).toEqual(['GET /rest/api/3/myself', 'DELETE /rest/api/3/issue/{issueIdOrKey}']);
    expect(uncalled(['GET /rest/api/3/issue/{issueIdOrKey}'], calls)).toEqual([]);
  });

  it('resolves every $ref inside the subset', () => {
    for (const api of ['platform', 'software'] as const) {
      const doc = readJson(`jira-${api}.subset.json`);
      const text = JSON.stringify(doc);
      for (const match of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
        const name = match[1] ?? '';
        expect(at(doc, 'components', 'schemas', name)).toBeDefined();
      }
    }
  });
});

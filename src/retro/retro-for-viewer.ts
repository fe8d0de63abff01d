import type { RetroJobAnswer } from '../contract/retro-report';
import { bulkFetchIssues, BULK_FETCH_MAX } from '../jira/issues';
import type { JiraGateway } from '../jira/jira-gateway';

/**
 * The shared retro report as one viewer may see it. The job reads as the app and leaves out the
 * project's secured items; the ideas of connected JPD spaces it names (through their delivery
 * links) are another project's issues, which a viewer may not browse. Those this viewer cannot
 * see are left out of every list that names them: one bulkfetch as the viewer per 100 keys, and
 * none when the report names no other project's issue.
 */

const ISSUE_KEY = /^([A-Z][A-Z0-9_]*)-[1-9][0-9]*$/;

export async function reportForViewer(
  jira: JiraGateway,
  projectKey: string,
  answer: RetroJobAnswer,
): Promise<RetroJobAnswer> {
  if (!answer.report) return answer;
  const others = [...keysIn(answer.report)].filter((k) => ISSUE_KEY.exec(k)?.[1] !== projectKey);
  if (others.length === 0) return answer;
  const seen = new Set<string>();
  for (let i = 0; i < others.length; i += BULK_FETCH_MAX) {
    const found = await bulkFetchIssues(jira, others.slice(i, i + BULK_FETCH_MAX), ['summary']);
    for (const issue of found) if (issue.key) seen.add(issue.key);
  }
  const hidden = new Set(others.filter((k) => !seen.has(k)));
  if (hidden.size === 0) return answer;
  return { ...answer, report: without(answer.report, hidden) };
}

/** Every string in the report that is an issue key. */
function keysIn(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') {
    if (ISSUE_KEY.test(value)) into.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) keysIn(v, into);
  } else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) keysIn(v, into);
  }
  return into;
}

/** The report without the hidden keys: left out of key lists, and the entries naming them. */
function without<T>(value: T, hidden: ReadonlySet<string>): T {
  return strip(value, hidden) as T;
}

function strip(value: unknown, hidden: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) {
    const list: unknown[] = value;
    return list.filter((v) => !names(v, hidden)).map((v) => strip(v, hidden));
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, strip(v, hidden)]);
    return Object.fromEntries(entries) as unknown;
  }
  return value;
}

/** Whether a list entry names a hidden issue: the key itself, or an entry with it as its key. */
function names(entry: unknown, hidden: ReadonlySet<string>): boolean {
  if (typeof entry === 'string') return hidden.has(entry);
  if (entry === null || typeof entry !== 'object') return false;
  const { key, ideaKey } = entry as { key?: unknown; ideaKey?: unknown };
  return (
    (typeof key === 'string' && hidden.has(key)) ||
    (typeof ideaKey === 'string' && hidden.has(ideaKey))
  );
}

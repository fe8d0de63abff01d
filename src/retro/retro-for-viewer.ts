import type { RetroJobAnswer } from '../contract/retro-report';
import { stringsIn } from '../jira/issue-keys';
import { visibleIssueKeys } from '../jira/issues';
import { ISSUE_KEY, projectOfIssueKey, type JiraGateway } from '../jira/jira-gateway';

/**
 * The shared retro report as one viewer may see it. The job reads as the app and leaves out the
 * project's secured items; the ideas of connected JPD spaces it names (through their delivery
 * links) are another project's issues, which a viewer may not browse. Those this viewer cannot
 * see are left out of every list that names them: one bulkfetch as the viewer per 100 keys, and
 * none when the report names no other project's issue.
 */

export async function reportForViewer(
  jira: JiraGateway,
  projectKey: string,
  answer: RetroJobAnswer,
): Promise<RetroJobAnswer> {
  if (!answer.report) return answer;
  const keys = new Set(stringsIn(answer.report).filter((s) => ISSUE_KEY.test(s)));
  const others = [...keys].filter((k) => projectOfIssueKey(k) !== projectKey);
  if (others.length === 0) return answer;
  const seen = await visibleIssueKeys(jira, others);
  const hidden = new Set(others.filter((k) => !seen.has(k)));
  if (hidden.size === 0) return answer;
  return { ...answer, report: strip(answer.report, hidden) as typeof answer.report };
}

/** The value without the hidden keys: left out of key lists, and the entries naming them. */
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

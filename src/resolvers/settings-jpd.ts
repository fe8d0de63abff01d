import type { JpdSpacesView } from '../contract/settings-view';
import { jpdInsightsField, jpdLinkType } from '../domain/jpd';
import { discoverySpaces } from '../jira/discovery-spaces';
import { issueLinkTypes } from '../jira/issues';
import type { Caller } from './resolver-kit';
import { refuseInvalid, refuseProjectOnly } from './settings-people';

/**
 * The Jira Product Discovery spaces a project connects (`jpd.spaceKeys`): picked per project from
 * the spaces the admin can browse, with what the site has of JPD's shapes (its delivery link
 * type, an insights field); the global settings keep none (docs/jpd.md).
 */

/** The spaces the caller can browse, and what the app found of JPD on the site. */
export async function jpdSpacesOf(caller: Caller): Promise<JpdSpacesView> {
  const [{ spaces, more }, types, fields] = await Promise.all([
    discoverySpaces(caller.jira),
    issueLinkTypes(caller.jira),
    caller.jira.listFields(),
  ]);
  const link = jpdLinkType(types);
  const insights = jpdInsightsField(fields);
  return {
    spaces: spaces.map((s) => ({ key: s.key, name: s.name })),
    more,
    found: {
      linkType: link
        ? { name: link.name, inward: link.inward ?? '', outward: link.outward ?? '' }
        : null,
      insightsField: insights ? { id: insights.id, name: insights.name } : null,
    },
  };
}

const keysOf = (part: unknown): unknown =>
  typeof part === 'object' && part !== null
    ? (part as { spaceKeys?: unknown }).spaceKeys
    : undefined;

/** Refuses connected spaces in the global settings: a space is connected per project. */
export function checkGlobalSpaces(part: unknown): void {
  const keys = keysOf(part);
  if (!Array.isArray(keys) || keys.length === 0) return;
  refuseProjectOnly(
    ['jpd', 'spaceKeys'],
    "must be empty here: discovery spaces are connected in each project's settings",
    keys,
  );
}

/** Refuses a key that is not a JPD space the admin can browse. */
export async function checkProjectSpaces(caller: Caller, part: unknown): Promise<void> {
  const keys = keysOf(part);
  if (!Array.isArray(keys) || keys.length === 0) return;
  const wanted = keys.filter((k): k is string => typeof k === 'string');
  const { spaces } = await discoverySpaces(caller.jira, wanted);
  const found = new Set(spaces.map((s) => s.key));
  const missing = wanted.filter((k) => !found.has(k));
  if (missing.length === 0) return;
  refuseInvalid('override', [
    {
      code: 'custom',
      path: ['jpd', 'spaceKeys'],
      message: `${missing.join(', ')}: not a Jira Product Discovery space you can browse`,
      input: keys,
    },
  ]);
}

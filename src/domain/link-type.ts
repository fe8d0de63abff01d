/**
 * Which issue link type ties a delivery item to the discovery item it implements: a type named
 * "Implements" (or described "implements" / "is implemented by") when the site has one, else
 * "Relates" (every Jira Cloud site starts with it). Undefined when neither exists.
 */

export interface LinkTypeInfo {
  id: string;
  name: string;
  inward?: string | undefined;
  outward?: string | undefined;
}

const norm = (value: string | undefined) => value?.trim().toLowerCase() ?? '';

export function chooseLinkType(types: readonly LinkTypeInfo[]): LinkTypeInfo | undefined {
  return (
    types.find((t) => norm(t.name) === 'implements') ??
    types.find((t) => norm(t.outward) === 'implements' || norm(t.inward) === 'is implemented by') ??
    types.find((t) => norm(t.name) === 'relates')
  );
}

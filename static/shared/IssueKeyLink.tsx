import { router } from '@forge/bridge';
import Link from '@atlaskit/link';

/**
 * An item key wherever a screen shows one: a link to the issue in Jira (Jira's router opens it,
 * since the app runs in a frame), in the design system's link style.
 */
export function IssueKeyLink(props: { issueKey: string; onOpen?: (issueKey: string) => void }) {
  const path = `/browse/${encodeURIComponent(props.issueKey)}`;
  return (
    <Link
      href={path}
      onClick={(e) => {
        e.preventDefault();
        if (props.onOpen) return props.onOpen(props.issueKey);
        router.open(path).catch((error: unknown) => {
          console.error(`Dual Track: ${props.issueKey} could not be opened`, error);
        });
      }}
    >
      {props.issueKey}
    </Link>
  );
}

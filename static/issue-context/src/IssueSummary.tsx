import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import Spinner from '@atlaskit/spinner';
import { formatDate, localizeDates } from '@ui/dates';
import { useIssueReadiness } from '@ui/issue-readiness-client';

/**
 * The compact summary in the issue's context panel: track, ready or not, the headline and the
 * failing checks; the full panel has the rest.
 */
export function IssueSummary() {
  const { state, reload } = useIssueReadiness();
  if (state.kind === 'loading') return <Spinner size="small" label="Loading readiness" />;
  if (state.kind === 'error') {
    return (
      <Stack space="space.100">
        <Text as="p">{state.error.message}</Text>
        <Inline>
          <Button spacing="compact" onClick={() => void reload()}>
            Try again
          </Button>
        </Inline>
      </Stack>
    );
  }
  const r = state.data;
  const failing = r.checks.filter((c) => !c.passed && c.required);
  return (
    <Box as="main" padding="space.100" backgroundColor="elevation.surface">
      <Stack space="space.100">
        <Inline space="space.100" alignBlock="center" shouldWrap>
          <Lozenge appearance={r.track === 'discovery' ? 'new' : 'inprogress'} testId="track">
            {r.track === 'discovery' ? 'Discovery' : 'Delivery'}
          </Lozenge>
          <span data-testid="ready-state">
            {!r.ready && r.waiver ? (
              <Lozenge appearance="moved" isBold>
                Waived until {formatDate(r.waiver.expiresOn)}
              </Lozenge>
            ) : (
              <Lozenge appearance={r.ready ? 'success' : 'removed'} isBold>
                {r.ready ? 'Ready' : 'Not ready'}
              </Lozenge>
            )}
          </span>
        </Inline>
        <Text as="p" testId="headline">
          {localizeDates(r.headline)}
        </Text>
        {failing.length > 0 && (
          <ul className="dt-list" aria-label="What is missing">
            {failing.map((c) => (
              <li key={c.id}>
                <Text size="small">{c.fix ?? c.label}</Text>
              </li>
            ))}
          </ul>
        )}
      </Stack>
    </Box>
  );
}

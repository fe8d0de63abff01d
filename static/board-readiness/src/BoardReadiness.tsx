import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import Spinner from '@atlaskit/spinner';
import type { ReadinessRow, SprintReadinessView } from '@contract/surfaces-view';
import { callResolver } from '@ui/bridge-client';
import { IssueKeyLink } from '@ui/IssueKeyLink';
import { LoadError } from '@ui/LoadError';
import { useResolver } from '@ui/use-resolver';

/**
 * What the board's "more actions" menu opens: for the active and the next sprint, how many items
 * of each track are ready, and each item the Dual Track guard would move back or flag (or lets
 * stay under a waiver), with why; every key links to its issue.
 */
export function BoardReadiness() {
  const { state, reload } = useResolver(() => callResolver('board/readiness', {}), []);
  if (state.kind === 'loading') return <Spinner label="Loading sprint readiness" />;
  if (state.kind === 'error') {
    return (
      <LoadError
        title="Sprint readiness could not be loaded"
        message={state.error.message}
        onRetry={() => void reload()}
      />
    );
  }
  const { active, next } = state.data;
  return (
    <Box as="main" padding="space.200" backgroundColor="elevation.surface">
      <Stack space="space.300">
        <Heading size="medium" as="h1">
          Dual Track sprint readiness
        </Heading>
        <SprintSection label="Active sprint" sprint={active} testId="active" />
        <SprintSection label="Next sprint" sprint={next} testId="next" />
      </Stack>
    </Box>
  );
}

const VERDICT: Record<
  ReadinessRow['verdict'],
  { text: string; look: 'removed' | 'moved' | 'success' | 'default' }
> = {
  'move-back': { text: 'Would move back', look: 'removed' },
  flag: { text: 'Would flag', look: 'moved' },
  waived: { text: 'Waived', look: 'default' },
  ready: { text: 'Ready', look: 'success' },
  'not-set-up': { text: 'Not set up', look: 'default' },
};

function SprintSection(props: {
  label: string;
  sprint: SprintReadinessView | null;
  testId: string;
}) {
  const { sprint } = props;
  if (!sprint) {
    return (
      <section aria-label={props.label} data-testid={`sprint-${props.testId}`}>
        <Stack space="space.100">
          <Heading size="small" as="h2">
            {props.label}
          </Heading>
          <Text as="p">This board has no {props.label.toLowerCase()}.</Text>
        </Stack>
      </section>
    );
  }
  const listed = sprint.items.filter((i) => i.verdict !== 'ready' && i.verdict !== 'not-set-up');
  return (
    <section aria-label={`${props.label}: ${sprint.name}`} data-testid={`sprint-${props.testId}`}>
      <Stack space="space.100">
        <Heading size="small" as="h2">
          {props.label}: {sprint.name}
        </Heading>
        <Inline space="space.200" shouldWrap>
          {(['discovery', 'delivery'] as const).map((track) => (
            <Inline key={track} space="space.050" alignBlock="center">
              <Text weight="bold">{track === 'discovery' ? 'Discovery' : 'Delivery'}</Text>
              <Lozenge appearance="success">{sprint.byTrack[track].ready} ready</Lozenge>
              <Lozenge appearance={sprint.byTrack[track].notReady > 0 ? 'removed' : 'default'}>
                {sprint.byTrack[track].notReady} not ready
              </Lozenge>
            </Inline>
          ))}
        </Inline>
        {sprint.unread > 0 && (
          <Text as="p" size="small">
            Only the first 500 items were checked; {sprint.unread} more were not.
          </Text>
        )}
        {listed.length === 0 ? (
          <Text as="p">Every item of this sprint meets the Dual Track rules.</Text>
        ) : (
          <ul className="dt-list" aria-label={`Items the guard would act on in ${sprint.name}`}>
            {listed.map((row) => (
              <li key={row.key} data-testid={`row-${row.key}`}>
                <Stack space="space.050">
                  <Inline space="space.100" alignBlock="center" shouldWrap>
                    <IssueKeyLink issueKey={row.key} />
                    <Text>{row.summary}</Text>
                    <Lozenge appearance={VERDICT[row.verdict].look}>
                      {VERDICT[row.verdict].text}
                    </Lozenge>
                    {row.track && (
                      <Lozenge appearance={row.track === 'discovery' ? 'new' : 'inprogress'}>
                        {row.track}
                      </Lozenge>
                    )}
                  </Inline>
                  <Text size="small">
                    {row.rule ? `${row.rule}: ` : ''}
                    {row.missing.join('; ')}
                  </Text>
                </Stack>
              </li>
            ))}
          </ul>
        )}
      </Stack>
    </section>
  );
}

import Link from '@atlaskit/link';
import Lozenge from '@atlaskit/lozenge';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import { router } from '@forge/bridge';
import type { RollupRow } from '@contract/surfaces-view';
import { callResolver } from '@ui/bridge-client';
import { localizeDates } from '@ui/dates';
import { LoadError } from '@ui/LoadError';
import { useResolver } from '@ui/use-resolver';
import type { GadgetConfig } from '@ui/gadget-config';

/**
 * The gadget: one line per picked project with its runway, capacity, build-trap and paralysis
 * risk and the guard's interventions this sprint, each project linking to its Dual Track page.
 */
export function Rollup(props: { config: GadgetConfig }) {
  const keys = props.config.projectKeys;
  const { state, reload } = useResolver(
    // Nothing picked: nothing to ask (the resolver wants at least one project).
    () =>
      keys.length === 0
        ? Promise.resolve({ ok: true as const, data: { projects: [] } })
        : callResolver('gadget/rollup', { projectKeys: keys }),
    [keys.join(',')],
  );
  if (keys.length === 0) {
    return (
      <Box padding="space.200">
        <SectionMessage title="No projects picked yet">
          <Text as="p">Edit the gadget to pick the projects to roll up.</Text>
        </SectionMessage>
      </Box>
    );
  }
  if (state.kind === 'loading') return <Spinner label="Loading the roll-up" />;
  if (state.kind === 'error') {
    return (
      <LoadError
        title="The roll-up could not be loaded"
        message={state.error.message}
        onRetry={() => void reload()}
      />
    );
  }
  return (
    <Box as="main" padding="space.150" backgroundColor="elevation.surface">
      <ul className="dt-list" aria-label="Dual Track projects">
        {state.data.projects.map((row) => (
          <li key={row.key} data-testid={`rollup-${row.key}`}>
            <ProjectLine row={row} />
          </li>
        ))}
      </ul>
    </Box>
  );
}

type Level = 'ok' | 'warning' | 'critical' | 'unknown';
const LOOK: Record<Level, 'success' | 'moved' | 'removed' | 'default'> = {
  ok: 'success',
  warning: 'moved',
  critical: 'removed',
  unknown: 'default',
};

function openProject(key: string) {
  router
    .navigate({ target: 'module', moduleKey: 'project-page', projectKey: key })
    .catch((error: unknown) => console.error(`Dual Track: ${key} could not be opened`, error));
}

function ProjectLine({ row }: { row: RollupRow }) {
  if (row.state === 'no-access') {
    return (
      <Text as="p">
        <Text weight="bold">{row.key}</Text>: you may not browse this project, or it does not exist.
      </Text>
    );
  }
  const title = (
    <Link
      href={`/projects/${encodeURIComponent(row.key)}`}
      onClick={(e) => {
        e.preventDefault();
        openProject(row.key);
      }}
    >
      {row.name} ({row.key})
    </Link>
  );
  if (row.state === 'not-set-up') {
    return (
      <Stack space="space.050">
        {title}
        <Text as="p">Dual Track is not set up in this project yet.</Text>
      </Stack>
    );
  }
  const runway =
    row.runway.sprints === undefined ? 'Runway unknown' : `Runway ${row.runway.sprints} sprints`;
  const share =
    row.capacity.discoveryPercent === undefined
      ? 'Capacity unknown'
      : `Discovery ${row.capacity.discoveryPercent}%`;
  return (
    <Stack space="space.050">
      {title}
      <Inline space="space.075" shouldWrap alignBlock="center">
        <Lozenge appearance={LOOK[row.runway.level]}>{runway}</Lozenge>
        <Lozenge appearance={LOOK[row.capacity.level]}>{share}</Lozenge>
        <Lozenge appearance={LOOK[row.buildTrap.level]}>Build trap: {row.buildTrap.level}</Lozenge>
        <Lozenge appearance={LOOK[row.paralysis.level]}>Paralysis: {row.paralysis.level}</Lozenge>
        <Lozenge appearance={row.interventions.count > 0 ? 'moved' : 'default'}>
          {row.interventions.count} interventions
          {row.interventions.sprint ? ` in ${row.interventions.sprint}` : ''}
        </Lozenge>
      </Inline>
      <Text size="small">{localizeDates(row.runway.reason)}</Text>
    </Stack>
  );
}

import Heading from '@atlaskit/heading';
import { Box, Stack, Text, xcss } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import type { BridgeError, Result } from '@contract/bridge-contract';
import type { ProjectOverview } from '@contract/project-overview';
import type { BoardPickerApi } from '@ui/BoardPicker';
import { useResolver } from '@ui/use-resolver';
import { useEffect, useRef } from 'react';
import { BoardChoice } from './BoardChoice';
import { NewDiscoveryItem, type DiscoveryItemApi } from './NewDiscoveryItem';
import { omittedText } from './overview-view';
import { SignalCards } from './SignalCards';
import { TrackBoard } from './TrackBoard';

/** How the page talks to the outside: the `project/overview` resolver and Jira's router. */
export interface ProjectPageApi {
  overview: () => Promise<Result<ProjectOverview>>;
  /** Opens an issue in Jira. */
  open: (issueKey: string) => void;
  /** Opens Jira's issue search for a column's JQL (from the resolver's answer). */
  search: (jql: string) => void;
  /** "New discovery item" from a template (`templates/list`, `templates/create`). */
  templates?: DiscoveryItemApi;
  /** The board picker for a project admin (the settings page's resolvers and checks). */
  board?: BoardPickerApi;
}

const pageStyles = xcss({ minHeight: '100vh' });

/** The User Timing mark set when the page first shows the overview (read by tests and the bench). */
export const FIRST_RENDER_MARK = 'dt:first-render';

const ERROR_TITLES: Readonly<Partial<Record<BridgeError['code'], string>>> = {
  forbidden: 'You cannot see this project',
  unauthenticated: 'Log in to Jira again',
  'rate-limited': 'Jira is busy',
};

function Overview({
  overview,
  onOpen,
  onSearch,
  templates,
  board,
  onCreated,
}: {
  overview: ProjectOverview;
  onOpen: (k: string) => void;
  onSearch: (jql: string) => void;
  templates?: DiscoveryItemApi | undefined;
  board?: BoardPickerApi | undefined;
  onCreated: () => void;
}) {
  const omitted = omittedText(overview.totals.omitted);
  const context = [
    overview.board
      ? `Board: ${overview.board.name}${overview.boardFlow === 'kanban' ? ' (Kanban: weeks of throughput, work in progress)' : ''}`
      : null,
    overview.boardProjects ? `Projects: ${overview.boardProjects.join(', ')}` : null,
    overview.activeSprint ? `Active sprint: ${overview.activeSprint.name}` : null,
    `Estimates in ${overview.unit === 'points' ? 'story points' : 'issue counts'}`,
  ].filter((part): part is string => part !== null);
  return (
    <Stack space="space.300">
      <Stack space="space.050">
        <Heading size="large" as="h1">
          Dual Track: {overview.project.name}
        </Heading>
        <Text color="color.text.subtle" testId="page-context">
          {context.join(' · ')}
        </Text>
      </Stack>
      {board && <BoardChoice api={board} onSaved={onCreated} />}
      {templates && (
        <div>
          <NewDiscoveryItem api={templates} onCreated={onCreated} onOpen={onOpen} />
        </div>
      )}
      {overview.notes.length > 0 && (
        <SectionMessage appearance="information" title="Some things could not be measured">
          <Box as="ul" testId="notes">
            {overview.notes.map((note) => (
              <li key={note}>
                <Text>{note}</Text>
              </li>
            ))}
          </Box>
        </SectionMessage>
      )}
      <SignalCards signals={overview.signals} onOpen={onOpen} />
      <TrackBoard overview={overview} onOpen={onOpen} onSearch={onSearch} onChanged={onCreated} />
      {omitted && (
        <Text as="p" color="color.text.subtle" testId="omitted">
          {omitted}
        </Text>
      )}
    </Stack>
  );
}

export function ProjectPage({ api }: { api: ProjectPageApi }) {
  // Read again after a new discovery item is created: the page is kept meanwhile.
  const { state, reload } = useResolver(() => api.overview(), [api], { keepData: true });
  const rendered = useRef(false);

  // Time to first render: marked once, after the first ready state reaches the screen.
  useEffect(() => {
    if (state.kind !== 'ready' || rendered.current) return;
    rendered.current = true;
    performance.mark(FIRST_RENDER_MARK);
  }, [state.kind]);

  return (
    <Box as="main" padding="space.300" backgroundColor="elevation.surface" xcss={pageStyles}>
      {state.kind === 'loading' && (
        <Stack space="space.100" alignInline="center">
          <Spinner label="Loading the project overview" />
          <Text>Loading both tracks…</Text>
        </Stack>
      )}
      {state.kind === 'error' && (
        <SectionMessage
          appearance="error"
          title={ERROR_TITLES[state.error.code] ?? 'The project overview could not be loaded'}
        >
          <Text as="p">{state.error.message}</Text>
        </SectionMessage>
      )}
      {state.kind === 'ready' && (
        <Overview
          overview={state.data}
          onOpen={api.open}
          onSearch={api.search}
          templates={api.templates}
          board={api.board}
          onCreated={() => void reload()}
        />
      )}
    </Box>
  );
}

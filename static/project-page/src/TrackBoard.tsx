import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { Box, Grid, Inline, Pressable, Stack, Text, xcss } from '@atlaskit/primitives';
import { ModalTransition } from '@atlaskit/modal-dialog';
import type { OverviewItem, ProjectOverview } from '@contract/project-overview';
import { useState } from 'react';
import { IdeaView, isSpaceIdea } from './IdeaView';
import {
  DELIVERY_COLUMNS,
  LANES,
  STAGES,
  columnCountText,
  columnSearch,
  itemBadges,
} from './overview-view';

/**
 * The two tracks side by side, never mixed: discovery in two lanes (ideas by stage, spikes and
 * enablers by readiness), delivery by where the work is.
 * Every item opens in Jira; the lists arrive trimmed by the resolver, and a trimmed column
 * opens the rest in Jira's issue search with the JQL the resolver sent.
 */

const trackStyles = xcss({
  borderColor: 'color.border',
  borderStyle: 'solid',
  borderWidth: 'border.width',
  borderRadius: 'radius.large',
  minWidth: '0',
});

const columnStyles = xcss({
  backgroundColor: 'color.background.neutral.subtle.hovered',
  borderRadius: 'radius.medium',
  minWidth: '0',
});

const listStyles = xcss({ listStyle: 'none', margin: 'space.0', padding: 'space.0' });

const cardStyles = xcss({
  backgroundColor: 'elevation.surface.raised',
  boxShadow: 'elevation.shadow.raised',
  borderRadius: 'radius.medium',
});

const openStyles = xcss({
  width: '100%',
  textAlign: 'start',
  backgroundColor: 'color.background.neutral.subtle',
  borderRadius: 'radius.medium',
  padding: 'space.0',
  ':hover': { textDecoration: 'underline' },
});

type Open = (key: string) => void;
/** Opens Jira's issue search for a JQL query from the resolver's answer. */
type Search = (jql: string) => void;

function ItemCard({
  item,
  onOpen,
  onIdea,
}: {
  item: OverviewItem;
  onOpen: Open;
  /** For an idea of a connected JPD space: opens its evidence log and promote. */
  onIdea: ((key: string) => void) | undefined;
}) {
  return (
    <Box as="li" padding="space.100" xcss={cardStyles} testId={`item-${item.key}`}>
      <Stack space="space.075">
        <Pressable xcss={openStyles} onClick={() => onOpen(item.key)} title="Open in Jira">
          <Stack space="space.050">
            <Text weight="bold" color="color.link">
              {item.key}
            </Text>
            <Text>{item.summary}</Text>
          </Stack>
        </Pressable>
        <Text size="small" color="color.text.subtle">
          {item.issueType} · {item.status}
        </Text>
        <Inline space="space.050" shouldWrap>
          {itemBadges(item).map((badge) => (
            <Lozenge key={badge.text} appearance={badge.appearance} maxWidth="100%">
              {badge.text}
            </Lozenge>
          ))}
        </Inline>
        {onIdea && (
          <Button
            spacing="compact"
            onClick={() => onIdea(item.key)}
            testId={`idea-open-${item.key}`}
            aria-label={`Evidence and promote: ${item.key}`}
          >
            Evidence and promote
          </Button>
        )}
      </Stack>
    </Box>
  );
}

function Column(props: {
  id: string;
  title: string;
  items: readonly OverviewItem[];
  /** How many items the column holds (it lists the first ones). */
  count: number;
  empty: string;
  onOpen: Open;
  /** Opens an idea of a connected JPD space in the page, when the item is one. */
  ideaOf?: ((item: OverviewItem) => ((key: string) => void) | undefined) | undefined;
  /** The rest of the column in Jira, when it lists only its first items. */
  search: { jql: string; label: string } | null;
  onSearch: Search;
}) {
  const headingId = `column-${props.id}`;
  const { search, onSearch } = props;
  const count = columnCountText(props.items.length, props.count);
  return (
    <Box
      as="section"
      padding="space.100"
      xcss={columnStyles}
      aria-labelledby={headingId}
      testId={`column-${props.id}`}
    >
      <Stack space="space.100">
        <Heading size="xxsmall" as="h4" id={headingId}>
          {props.title} ({count.heading})
        </Heading>
        {props.items.length === 0 ? (
          <Text size="small" color="color.text.subtle">
            {props.empty}
          </Text>
        ) : (
          <Stack as="ul" space="space.100" xcss={listStyles}>
            {props.items.map((item) => (
              <ItemCard
                key={item.key}
                item={item}
                onOpen={props.onOpen}
                onIdea={props.ideaOf?.(item)}
              />
            ))}
          </Stack>
        )}
        {count.more && (
          <Text size="small" color="color.text.subtle" testId={`column-${props.id}-more`}>
            {count.more}
          </Text>
        )}
        {search && (
          <Pressable
            xcss={openStyles}
            onClick={() => onSearch(search.jql)}
            testId={`column-${props.id}-search`}
          >
            <Text size="small" color="color.link">
              {search.label}
            </Text>
          </Pressable>
        )}
      </Stack>
    </Box>
  );
}

function Track(props: {
  id: 'discovery' | 'delivery';
  title: string;
  subtitle: string;
  children: React.ReactNode;
}) {
  return (
    <Box
      as="section"
      padding="space.150"
      xcss={trackStyles}
      aria-labelledby={`track-${props.id}`}
      testId={`track-${props.id}`}
    >
      <Stack space="space.150">
        <Stack space="space.050">
          <Heading size="medium" as="h2" id={`track-${props.id}`}>
            {props.title}
          </Heading>
          <Text size="small" color="color.text.subtle">
            {props.subtitle}
          </Text>
        </Stack>
        {props.children}
      </Stack>
    </Box>
  );
}

/** One row of a track's columns, under its own heading. */
function Lane(props: { id: string; title: string; note: string; children: React.ReactNode }) {
  return (
    <Box as="section" aria-labelledby={`lane-${props.id}`} testId={`lane-${props.id}`}>
      <Stack space="space.100">
        <Stack space="space.025">
          <Heading size="xsmall" as="h3" id={`lane-${props.id}`}>
            {props.title}
          </Heading>
          <Text size="small" color="color.text.subtle">
            {props.note}
          </Text>
        </Stack>
        <Grid templateColumns="repeat(auto-fit, minmax(11rem, 1fr))" gap="space.100">
          {props.children}
        </Grid>
      </Stack>
    </Box>
  );
}

export function TrackBoard({
  overview,
  onOpen,
  onSearch,
  onChanged,
}: {
  overview: ProjectOverview;
  onOpen: Open;
  onSearch: Search;
  /** Something shown changed (an idea's evidence, a promotion): load the overview again. */
  onChanged?: () => void;
}) {
  const sprint = overview.activeSprint;
  const [idea, setIdea] = useState<string | null>(null);
  const ideaOf = (item: OverviewItem) => (isSpaceIdea(item, overview) ? setIdea : undefined);
  return (
    <>
      <ModalTransition>
        {idea && (
          <IdeaView
            ideaKey={idea}
            onClose={() => setIdea(null)}
            onChanged={() => onChanged?.()}
            onOpen={onOpen}
          />
        )}
      </ModalTransition>
      <Grid
        templateColumns="repeat(auto-fit, minmax(24rem, 1fr))"
        gap="space.200"
        alignItems="start"
      >
        <Track
          id="discovery"
          title="Discovery track"
          subtitle={`Should we build it? ${overview.totals.discovery.toLocaleString('en-US')} open items.`}
        >
          <Lane id="ideas" title="Ideas" note="By validation stage: evidence decides.">
            {STAGES.map((s) => (
              <Column
                key={s.stage}
                id={`discovery-${s.stage}`}
                title={s.title}
                items={overview.discovery[s.stage]}
                count={overview.columnCounts.discovery[s.stage]}
                empty={s.empty}
                onOpen={onOpen}
                ideaOf={ideaOf}
                search={columnSearch(overview, { track: 'discovery', stage: s.stage })}
                onSearch={onSearch}
              />
            ))}
          </Lane>
          <Lane
            id="engineering"
            title="Engineering discovery"
            note="Spikes and enablers by readiness: scoped outcome, timebox, done."
          >
            {LANES.map((l) => (
              <Column
                key={l.lane}
                id={`engineering-${l.lane}`}
                title={l.title}
                items={overview.engineering[l.lane]}
                count={overview.columnCounts.engineering[l.lane]}
                empty={l.empty}
                onOpen={onOpen}
                search={columnSearch(overview, { track: 'engineering', lane: l.lane })}
                onSearch={onSearch}
              />
            ))}
          </Lane>
        </Track>
        <Track
          id="delivery"
          title="Delivery track"
          subtitle={`Build, test and ship. ${overview.totals.delivery.toLocaleString('en-US')} open items.`}
        >
          <Lane
            id="delivery"
            title="Delivery"
            note="Where the work stands in the sprint and after."
          >
            {DELIVERY_COLUMNS.map((c) => (
              <Column
                key={c.list}
                id={`delivery-${c.list}`}
                title={c.list === 'activeSprint' && sprint ? sprint.name : c.title}
                items={overview.delivery[c.list]}
                count={overview.columnCounts.delivery[c.list]}
                empty={c.list === 'activeSprint' && !sprint ? 'No active sprint.' : c.empty}
                onOpen={onOpen}
                search={columnSearch(overview, { track: 'delivery', list: c.list })}
                onSearch={onSearch}
              />
            ))}
          </Lane>
        </Track>
      </Grid>
    </>
  );
}

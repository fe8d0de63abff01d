import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { Box, Grid, Inline, Pressable, Stack, Text, xcss } from '@atlaskit/primitives';
import type { SignalsView as Signals } from '@contract/project-overview';
import type { SignalCardView } from './overview-view';
import { signalCards } from './overview-view';
import { localizeDates } from '@ui/dates';

/** The signals, each with its number, the threshold it is judged against and why. */

const cardStyles = xcss({
  borderColor: 'color.border',
  borderStyle: 'solid',
  borderWidth: 'border.width',
  borderRadius: 'radius.large',
  backgroundColor: 'elevation.surface.raised',
  boxShadow: 'elevation.shadow.raised',
});

/** Names listed on a card before "and N more". */
const LISTED = 3;

const keyStyles = xcss({
  backgroundColor: 'color.background.neutral.subtle',
  padding: 'space.0',
  color: 'color.link',
  ':hover': { textDecoration: 'underline' },
});

/** The first LISTED items, each a link opening it in Jira, and "and N more". */
function ItemList(props: {
  label: string;
  items: ReadonlyArray<{ key: string; detail: string }>;
  count: number;
  onOpen: (key: string) => void;
}) {
  if (props.items.length === 0) return null;
  return (
    <Box as="ul" aria-label={props.label}>
      {props.items.slice(0, LISTED).map(({ key, detail }) => (
        <li key={`${key}${detail}`}>
          <Pressable xcss={keyStyles} onClick={() => props.onOpen(key)} title="Open in Jira">
            <Text size="small" color="color.link">
              {key}
            </Text>
          </Pressable>
          <Text size="small">{detail}</Text>
        </li>
      ))}
      {props.count > LISTED && (
        <li>
          <Text size="small">and {props.count - LISTED} more</Text>
        </li>
      )}
    </Box>
  );
}

function SignalCard({ card, onOpen }: { card: SignalCardView; onOpen: (key: string) => void }) {
  const headingId = `signal-${card.id}`;
  return (
    <Box
      as="section"
      padding="space.200"
      xcss={cardStyles}
      aria-labelledby={headingId}
      testId={`signal-${card.id}`}
    >
      <Stack space="space.100">
        <Heading size="xsmall" as="h3" id={headingId}>
          {card.title}
        </Heading>
        <Inline space="space.100" alignBlock="center" shouldWrap>
          <Text as="p" size="large" weight="bold" testId={`signal-${card.id}-value`}>
            {card.value ?? 'Not measured'}
          </Text>
          <Lozenge appearance={card.lozenge.appearance} isBold>
            {card.lozenge.text}
          </Lozenge>
        </Inline>
        <Text as="p" size="small" color="color.text.subtle">
          {card.threshold}
        </Text>
        <Text as="p" testId={`signal-${card.id}-reason`}>
          {localizeDates(card.reason)}
        </Text>
        <ItemList
          label={`${card.title}: items`}
          items={card.items}
          count={card.itemCount}
          onOpen={onOpen}
        />
        {card.waived.length > 0 && (
          <Stack space="space.050" testId={`signal-${card.id}-waived`}>
            <Text as="p" size="small" weight="medium" id={`${headingId}-waived`}>
              {`Waived (${card.waived.length})`}
            </Text>
            <ItemList
              label={`${card.title}: waived items`}
              items={card.waived}
              count={card.waived.length}
              onOpen={onOpen}
            />
          </Stack>
        )}
      </Stack>
    </Box>
  );
}

export function SignalCards({
  signals,
  onOpen,
}: {
  signals: Signals;
  onOpen: (key: string) => void;
}) {
  return (
    <Box as="section" aria-labelledby="signals-heading" testId="signals">
      <Stack space="space.150">
        <Heading size="medium" as="h2" id="signals-heading">
          Signals
        </Heading>
        <Grid templateColumns="repeat(auto-fit, minmax(15rem, 1fr))" gap="space.200">
          {signalCards(signals).map((card) => (
            <SignalCard key={card.id} card={card} onOpen={onOpen} />
          ))}
        </Grid>
      </Stack>
    </Box>
  );
}

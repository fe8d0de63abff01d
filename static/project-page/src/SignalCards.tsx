import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { Box, Grid, Inline, Stack, Text, xcss } from '@atlaskit/primitives';
import type { SignalsView as Signals } from '@contract/project-overview';
import type { SignalCardView } from './overview-view';
import { signalCards } from './overview-view';

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

function SignalCard({ card }: { card: SignalCardView }) {
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
          {card.reason}
        </Text>
        {card.items.length > 0 && (
          <Box as="ul" aria-label={`${card.title}: items`}>
            {card.items.slice(0, LISTED).map((text) => (
              <li key={text}>
                <Text size="small">{text}</Text>
              </li>
            ))}
            {card.itemCount > LISTED && (
              <li>
                <Text size="small">and {card.itemCount - LISTED} more</Text>
              </li>
            )}
          </Box>
        )}
      </Stack>
    </Box>
  );
}

export function SignalCards({ signals }: { signals: Signals }) {
  return (
    <Box as="section" aria-labelledby="signals-heading" testId="signals">
      <Stack space="space.150">
        <Heading size="medium" as="h2" id="signals-heading">
          Signals
        </Heading>
        <Grid templateColumns="repeat(auto-fit, minmax(15rem, 1fr))" gap="space.200">
          {signalCards(signals).map((card) => (
            <SignalCard key={card.id} card={card} />
          ))}
        </Grid>
      </Stack>
    </Box>
  );
}

import Button from '@atlaskit/button/new';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';

/** A screen whose data could not be loaded: what failed, the server's reason and a retry. */
export function LoadError(props: { title: string; message: string; onRetry: () => void }) {
  return (
    <Box padding="space.200">
      <SectionMessage appearance="error" title={props.title}>
        <Stack space="space.100">
          <Text as="p">{props.message}</Text>
          <Inline>
            <Button onClick={props.onRetry}>Try again</Button>
          </Inline>
        </Stack>
      </SectionMessage>
    </Box>
  );
}

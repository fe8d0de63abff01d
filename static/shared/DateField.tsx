import { Box, Inline, Text, xcss } from '@atlaskit/primitives';
import Textfield from '@atlaskit/textfield';
import { formatDate } from './dates';

/**
 * A calendar date typed as YYYY-MM-DD in the design system's text field (never the browser's
 * native date input, which looks different in every browser), with the date it reads as in the
 * reader's locale beside it, so a typo shows before saving.
 */

const box = xcss({ width: '10rem' });
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function DateField(props: {
  id: string;
  name?: string;
  value: string;
  onChange: (value: string) => void;
  onBlur?: () => void;
  isInvalid?: boolean;
  describedBy?: string | undefined;
  testId?: string;
}) {
  const reads = DAY.test(props.value) ? formatDate(props.value) : '';
  return (
    <Inline space="space.100" alignBlock="center">
      <Box xcss={box}>
        <Textfield
          id={props.id}
          name={props.name ?? props.id}
          value={props.value}
          placeholder="YYYY-MM-DD"
          maxLength={10}
          autoComplete="off"
          isInvalid={Boolean(props.isInvalid)}
          aria-describedby={props.describedBy}
          {...(props.testId ? { testId: props.testId } : {})}
          onChange={(e) => props.onChange(e.currentTarget.value)}
          {...(props.onBlur ? { onBlur: props.onBlur } : {})}
        />
      </Box>
      {reads !== '' && reads !== props.value && (
        <Text color="color.text.subtle" size="small">
          {reads}
        </Text>
      )}
    </Inline>
  );
}

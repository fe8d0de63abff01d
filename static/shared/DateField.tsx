import { DatePicker } from '@atlaskit/datetime-picker';
import { Box, xcss } from '@atlaskit/primitives';
import type { InputActionMeta } from '@atlaskit/select';
import { useRef } from 'react';
import { formatDate, isoDay, parseTypedDate, readerLocale } from './dates';

/**
 * A calendar date in the design system's date picker (never the browser's native date input):
 * the value is YYYY-MM-DD, shown in the reader's locale by the screens' one date formatter. A date
 * may be picked on the calendar or typed (YYYY-MM-DD or the locale's numeric form); a typed date
 * counts on Enter and also when the person leaves the field.
 */

const box = xcss({ width: '12rem' });

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
  const locale = readerLocale();
  /** What is typed and not yet taken (the picker keeps it only until Enter). */
  const typed = useRef('');
  const change = (value: string) => {
    typed.current = '';
    props.onChange(value);
  };
  const leave = () => {
    const parsed = typed.current === '' ? null : parseTypedDate(typed.current, locale);
    if (parsed && !Number.isNaN(parsed.getTime()) && isoDay(parsed) !== props.value) {
      change(isoDay(parsed));
    }
    typed.current = '';
    props.onBlur?.();
  };
  return (
    <Box xcss={box}>
      <DatePicker
        id={props.id}
        name={props.name ?? props.id}
        value={props.value}
        locale={locale}
        placeholder={new Intl.DateTimeFormat(locale).format(new Date(2026, 11, 31))}
        formatDisplayLabel={(value) => formatDate(value)}
        parseInputValue={(text) => parseTypedDate(text, locale)}
        isInvalid={Boolean(props.isInvalid)}
        {...(props.describedBy ? { 'aria-describedby': props.describedBy } : {})}
        {...(props.testId ? { testId: props.testId } : {})}
        selectProps={{
          onInputChange: (text: string, meta: InputActionMeta) => {
            if (meta.action === 'input-change') typed.current = text;
          },
        }}
        onChange={change}
        onBlur={leave}
      />
    </Box>
  );
}

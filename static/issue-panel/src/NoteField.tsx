import Button from '@atlaskit/button/new';
import { Inline, Stack } from '@atlaskit/primitives';
import type { ReactNode } from 'react';

/** A labelled, required multi-line note (a decision's reason, a sign-off, what a spike learned). */
export function NoteField(props: {
  id: string;
  label: string;
  rows: number;
  maxLength: number;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <div>
      <label className="dt-label" htmlFor={props.id}>
        {props.label}
      </label>
      <textarea
        id={props.id}
        className="dt-input"
        rows={props.rows}
        required
        maxLength={props.maxLength}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}

/**
 * A form around one note: its fields (`children`, before the note), the note, the submit button
 * and, where the form can be closed, Cancel. Submitting calls `onSubmit`; the caller runs the
 * action and closes the form when it succeeds.
 */
export function NoteForm(props: {
  label: string;
  note: Parameters<typeof NoteField>[0];
  submit: { label: string; appearance: 'primary' | 'warning'; busy: boolean };
  onSubmit: () => void;
  onCancel?: () => void;
  children?: ReactNode;
}) {
  return (
    <form
      aria-label={props.label}
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit();
      }}
    >
      <Stack space="space.100">
        {props.children}
        <NoteField {...props.note} />
        <Inline space="space.100">
          <Button type="submit" appearance={props.submit.appearance} isDisabled={props.submit.busy}>
            {props.submit.label}
          </Button>
          {props.onCancel && (
            <Button appearance="subtle" onClick={props.onCancel}>
              Cancel
            </Button>
          )}
        </Inline>
      </Stack>
    </form>
  );
}

import Button from '@atlaskit/button/new';
import { Label } from '@atlaskit/form';
import { Inline, Stack } from '@atlaskit/primitives';
import TextArea from '@atlaskit/textarea';
import type { ReactNode } from 'react';

/** How long a note may be: a reason or sign-off (short), or what a spike learned (long). */
const SIZES = {
  short: { rows: 2, maxLength: 2000 },
  long: { rows: 3, maxLength: 4000 },
} as const;

export interface NoteProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  size?: keyof typeof SIZES;
}

/** A labelled, required multi-line note (a decision's reason, a sign-off, what a spike learned). */
export function NoteField(props: NoteProps) {
  const size = SIZES[props.size ?? 'short'];
  return (
    <div>
      <Label htmlFor={props.id}>{props.label}</Label>
      <TextArea
        id={props.id}
        minimumRows={size.rows}
        isRequired
        maxLength={size.maxLength}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}

/**
 * A form around one note: its fields (`children`, before the note), the note, the submit button
 * and, where the form can be closed, Cancel. Submitting runs `save`; when it succeeds,
 * `onSaved` (a failure is shown by the caller's action, and the form stays open).
 */
export function NoteForm(props: {
  label: string;
  note: NoteProps;
  submit: { label: string; appearance: 'primary' | 'warning' };
  busy: boolean;
  save: () => Promise<{ ok: boolean }>;
  onSaved: () => void;
  onCancel?: () => void;
  children?: ReactNode;
}) {
  return (
    <form
      aria-label={props.label}
      onSubmit={(e) => {
        e.preventDefault();
        void props.save().then((r) => {
          if (r.ok) props.onSaved();
        });
      }}
    >
      <Stack space="space.100">
        {props.children}
        <NoteField {...props.note} />
        <Inline space="space.100">
          <Button type="submit" appearance={props.submit.appearance} isDisabled={props.busy}>
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

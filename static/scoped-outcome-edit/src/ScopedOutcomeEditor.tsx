import Button from '@atlaskit/button/new';
import { ErrorMessage, HelperMessage, Label } from '@atlaskit/form';
import { Box, Inline, Stack } from '@atlaskit/primitives';
import { FieldEditorFooter, useFieldSubmit } from '@ui/field-editor';
import Textfield from '@atlaskit/textfield';
import type { Config } from '@domain/config';
import type { OutcomePart } from '@domain/readiness';
import { timeboxRange } from '@domain/spike-timebox';
import type { ScopedOutcome } from '@domain/track';
import { useState, type ReactNode } from 'react';
import { checkForm, type BoundKind, type OutcomeForm } from './outcome-form';
import { DateField } from '@ui/DateField';

export interface ScopedOutcomeEditorProps {
  initial: OutcomeForm;
  rules: Pick<Config, 'scopedOutcome' | 'spike'>;
  /** The item is a spike: its bound is a timebox within the spike limit, never a date alone. */
  spike?: boolean;
  /** Hands the value to Jira (`view.submit`); `null` clears the field. */
  onSubmit: (value: ScopedOutcome | null) => Promise<void>;
  /** Leaves the editor without saving; absent where Jira offers no cancel (issue create). */
  onCancel?: (() => void) | undefined;
}

const FIELD_IDS: Record<OutcomePart, string> = {
  outcome: 'scoped-outcome-statement',
  successMeasure: 'scoped-outcome-measure',
  bound: 'scoped-outcome-bound',
};

function FieldError({ part, message }: { part: OutcomePart; message: string | undefined }) {
  if (!message) return null;
  return (
    <div id={`${FIELD_IDS[part]}-error`} role="alert">
      <ErrorMessage>{message}</ErrorMessage>
    </div>
  );
}

function Field(props: { part: OutcomePart; label: string; help: ReactNode; children: ReactNode }) {
  return (
    <Box>
      <Label htmlFor={FIELD_IDS[props.part]}>{props.label}</Label>
      {props.children}
      <HelperMessage>{props.help}</HelperMessage>
    </Box>
  );
}

/**
 * The edit view of the Scoped outcome field: outcome statement, success measure, and a bound
 * (timebox in days or a target date). Problems show under the input they concern, in the words
 * the enabler gate uses, once the input was left or saving was tried.
 */
export function ScopedOutcomeEditor({
  initial,
  rules,
  spike = false,
  onSubmit,
  onCancel,
}: ScopedOutcomeEditorProps) {
  const [form, setForm] = useState<OutcomeForm>(spike ? { ...initial, bound: 'timebox' } : initial);
  const range = timeboxRange(spike, rules.spike.maxTimeboxDays);
  const [touched, setTouched] = useState<Partial<Record<OutcomePart, boolean>>>({});

  const check = checkForm(form, rules, spike);
  const { tried, saving, saveError, submit } = useFieldSubmit(check, onSubmit);
  const shown = (part: OutcomePart) => (tried || touched[part] ? check.errors[part] : undefined);
  const touch = (part: OutcomePart) => () => setTouched((t) => ({ ...t, [part]: true }));
  const set = (patch: Partial<OutcomeForm>) => setForm((f) => ({ ...f, ...patch }));
  const describedBy = (part: OutcomePart) => (shown(part) ? `${FIELD_IDS[part]}-error` : undefined);

  const chooseBound = (bound: BoundKind) => () => set({ bound });

  return (
    <form noValidate onSubmit={(e) => void submit(e)} aria-label="Scoped outcome">
      <Stack space="space.150">
        <Field
          part="outcome"
          label="Outcome statement"
          help={`What this work will produce, specifically (at least ${rules.scopedOutcome.minOutcomeLength} characters).`}
        >
          <Textfield
            id={FIELD_IDS.outcome}
            name="outcome"
            value={form.outcome}
            isInvalid={shown('outcome') !== undefined}
            aria-describedby={describedBy('outcome')}
            onChange={(e) => set({ outcome: e.currentTarget.value })}
            onBlur={touch('outcome')}
          />
          <FieldError part="outcome" message={shown('outcome')} />
        </Field>

        <Field
          part="successMeasure"
          label="Success measure"
          help="How we will know the outcome was reached."
        >
          <Textfield
            id={FIELD_IDS.successMeasure}
            name="successMeasure"
            value={form.successMeasure}
            isInvalid={shown('successMeasure') !== undefined}
            aria-describedby={describedBy('successMeasure')}
            onChange={(e) => set({ successMeasure: e.currentTarget.value })}
            onBlur={touch('successMeasure')}
          />
          <FieldError part="successMeasure" message={shown('successMeasure')} />
        </Field>

        <Box>
          {!spike && (
            <Inline space="space.100" alignBlock="center">
              <Button
                appearance={form.bound === 'timebox' ? 'primary' : 'default'}
                aria-pressed={form.bound === 'timebox'}
                onClick={chooseBound('timebox')}
              >
                Timebox in days
              </Button>
              <Button
                appearance={form.bound === 'date' ? 'primary' : 'default'}
                aria-pressed={form.bound === 'date'}
                onClick={chooseBound('date')}
              >
                Target date
              </Button>
            </Inline>
          )}
          {form.bound === 'timebox' ? (
            <Field
              part="bound"
              label="Timebox (days)"
              help={
                spike
                  ? `A spike is time-boxed: ${range.min} to ${range.max} whole days.`
                  : `${range.min} to ${range.max} whole days.`
              }
            >
              <Textfield
                id={FIELD_IDS.bound}
                name="timeboxDays"
                type="number"
                min={range.min}
                max={range.max}
                step={1}
                width="small"
                value={form.timeboxDays}
                isInvalid={shown('bound') !== undefined}
                aria-describedby={describedBy('bound')}
                onChange={(e) => set({ timeboxDays: e.currentTarget.value })}
                onBlur={touch('bound')}
              />
              <FieldError part="bound" message={shown('bound')} />
            </Field>
          ) : (
            <Field part="bound" label="Target date" help="The date this work must be done by.">
              <DateField
                id={FIELD_IDS.bound}
                name="targetDate"
                value={form.targetDate}
                isInvalid={shown('bound') !== undefined}
                describedBy={describedBy('bound')}
                onChange={(targetDate) => set({ targetDate })}
                onBlur={touch('bound')}
              />
              <FieldError part="bound" message={shown('bound')} />
            </Field>
          )}
        </Box>

        <FieldEditorFooter
          errorTitle="The scoped outcome was not saved"
          saveError={saveError}
          saving={saving}
          onCancel={onCancel}
        />
      </Stack>
    </form>
  );
}

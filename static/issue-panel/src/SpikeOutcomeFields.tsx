import { ErrorMessage, HelperMessage, Label } from '@atlaskit/form';
import Heading from '@atlaskit/heading';
import { Stack } from '@atlaskit/primitives';
import Textfield from '@atlaskit/textfield';

/**
 * Explore first's spike: the scoped outcome the app drafted (from the triage reason and the entry
 * criteria that fired, with the default timebox), for the person to review and edit before the
 * spike is created. With it the spike passes the enabler gate as created.
 */

export interface SpikeOutcomeForm {
  outcome: string;
  successMeasure: string;
  timeboxDays: string;
}

export type SpikeOutcomeErrors = Partial<Record<keyof SpikeOutcomeForm, string>>;

/** What stops the form: the parts the server would refuse too (it checks them again). */
export function checkSpikeOutcome(form: SpikeOutcomeForm, maxDays: number): SpikeOutcomeErrors {
  const errors: SpikeOutcomeErrors = {};
  if (form.outcome.trim() === '') errors.outcome = 'Write the outcome the spike must reach.';
  if (form.successMeasure.trim() === '') {
    errors.successMeasure = 'Write how we will know the spike reached it.';
  }
  const days = Number(form.timeboxDays);
  if (!/^\d+$/.test(form.timeboxDays.trim()) || days < 1 || days > maxDays) {
    errors.timeboxDays = `Enter whole days from 1 to ${maxDays}.`;
  }
  return errors;
}

export function SpikeOutcomeFields(props: {
  idPrefix: string;
  form: SpikeOutcomeForm;
  errors: SpikeOutcomeErrors;
  maxDays: number;
  onChange: (patch: Partial<SpikeOutcomeForm>) => void;
}) {
  const { idPrefix, form, errors } = props;
  const field = (part: keyof SpikeOutcomeForm, label: string, helper: string, type = 'text') => {
    const id = `${idPrefix}-${part}`;
    const error = errors[part];
    return (
      <div>
        <Label htmlFor={id}>{label}</Label>
        <Textfield
          id={id}
          testId={`spike-${part}`}
          type={type}
          value={form[part]}
          isInvalid={error !== undefined}
          aria-describedby={`${id}-message`}
          onChange={(e) => props.onChange({ [part]: e.currentTarget.value })}
        />
        <span id={`${id}-message`}>
          {error ? <ErrorMessage>{error}</ErrorMessage> : <HelperMessage>{helper}</HelperMessage>}
        </span>
      </div>
    );
  };
  return (
    <Stack space="space.100" testId="spike-outcome-review">
      <Heading size="xxsmall" as="h3">
        The spike’s scoped outcome
      </Heading>
      {field('outcome', 'Outcome', 'What the spike will let us decide.')}
      {field('successMeasure', 'Success measure', 'How we will know the outcome was reached.')}
      {field(
        'timeboxDays',
        'Timebox (days)',
        `Whole days, at most ${props.maxDays}: the enabler gate refuses a longer spike.`,
        'number',
      )}
    </Stack>
  );
}

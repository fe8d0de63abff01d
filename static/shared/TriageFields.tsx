import Textfield from '@atlaskit/textfield';
import { useId } from 'react';
import {
  LEVEL_LABELS,
  TRIAGE_LEVELS,
  TRIAGE_REASON_MAX,
  type TriageForm,
  type TriagePart,
} from './triage-form';
import { ChoiceSelect } from './ChoiceSelect';
import './form-controls.css';
import './triage.css';

/**
 * The Entry triage inputs: uncertainty and risk (low, medium, high) and the one-line reason,
 * each with its problem under it once it was left or saving was tried. Used by the field's
 * editor on the issue view and create screen, and by the issue panel.
 */
const LEVEL_OPTIONS = TRIAGE_LEVELS.map((l) => ({ value: l, label: LEVEL_LABELS[l] }));

export function TriageFields(props: {
  form: TriageForm;
  onChange: (patch: Partial<TriageForm>) => void;
  /** Problems to show now, per input. */
  errors: Partial<Record<TriagePart, string>>;
  onBlur?: (part: TriagePart) => void;
}) {
  const id = useId();
  const { form, errors } = props;
  const ids = (part: TriagePart) => ({
    input: `${id}-${part}`,
    error: `${id}-${part}-error`,
    help: `${id}-${part}-help`,
  });
  const describedBy = (part: TriagePart, help = false) =>
    [errors[part] ? ids(part).error : undefined, help ? ids(part).help : undefined]
      .filter(Boolean)
      .join(' ') || undefined;
  const level = (part: 'uncertainty' | 'risk', label: string, help: string) => (
    <div className="dt-triage-field">
      <label className="dt-triage-label" htmlFor={ids(part).input}>
        {label}
      </label>
      <ChoiceSelect
        inputId={ids(part).input}
        testId={`triage-${part}`}
        value={form[part]}
        options={LEVEL_OPTIONS}
        isInvalid={Boolean(errors[part])}
        describedBy={describedBy(part, true)}
        onChange={(value) => props.onChange({ [part]: value })}
        onBlur={() => props.onBlur?.(part)}
      />
      <span className="dt-triage-help" id={ids(part).help}>
        {help}
      </span>
      {errors[part] && (
        <span className="dt-field-error" id={ids(part).error} role="alert">
          {errors[part]}
        </span>
      )}
    </div>
  );
  return (
    <div className="dt-triage-row">
      {level('uncertainty', 'Uncertainty', 'How much is technically unknown.')}
      {level('risk', 'Risk', 'How much could go wrong with the change.')}
      <div className="dt-triage-field dt-triage-wide">
        <label className="dt-triage-label" htmlFor={ids('reason').input}>
          Reason
        </label>
        <Textfield
          id={ids('reason').input}
          name="reason"
          maxLength={TRIAGE_REASON_MAX}
          value={form.reason}
          isInvalid={Boolean(errors.reason)}
          aria-describedby={describedBy('reason', true)}
          onChange={(e) => props.onChange({ reason: e.currentTarget.value })}
          onBlur={() => props.onBlur?.('reason')}
        />
        <span className="dt-triage-help" id={ids('reason').help}>
          One line; required when uncertainty or risk is high.
        </span>
        {errors.reason && (
          <span className="dt-field-error" id={ids('reason').error} role="alert">
            {errors.reason}
          </span>
        )}
      </div>
    </div>
  );
}

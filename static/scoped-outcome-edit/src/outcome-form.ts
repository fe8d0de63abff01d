import type { Config } from '@domain/config';
import { checkWorkOutcome, describeOutcomeProblem, type OutcomePart } from '@domain/readiness';
import type { ScopedOutcome } from '@domain/track';

/**
 * The edit form of the Scoped outcome field, without React: what the inputs hold, the value they
 * make, and the readiness problems per input. The rules and their wording are the domain's
 * (src/domain/readiness.ts), so the form says exactly what the enabler gate will say.
 */

export type BoundKind = 'timebox' | 'date';

export interface OutcomeForm {
  outcome: string;
  successMeasure: string;
  bound: BoundKind;
  /** As typed; whole days. */
  timeboxDays: string;
  /** yyyy-mm-dd, as a date input gives it. */
  targetDate: string;
}

export type FormErrors = Partial<Record<OutcomePart, string>>;

export interface FormCheck {
  /** The value to submit; `null` clears the field (every input empty). */
  value: ScopedOutcome | null;
  /** One message per input that blocks saving. */
  errors: FormErrors;
  canSubmit: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The form for a stored field value (object, JSON text, or nothing). */
export function formFromValue(stored: unknown): OutcomeForm {
  let value = stored;
  if (typeof stored === 'string') {
    try {
      value = JSON.parse(stored);
    } catch {
      value = undefined;
    }
  }
  const v = isRecord(value) ? value : {};
  const days = v['timeboxDays'];
  const timeboxDays =
    typeof days === 'number' && Number.isFinite(days)
      ? String(days)
      : typeof days === 'string'
        ? days
        : '';
  const targetDate = text(v['targetDate']);
  return {
    outcome: text(v['outcome']),
    successMeasure: text(v['successMeasure']),
    bound: timeboxDays === '' && targetDate !== '' ? 'date' : 'timebox',
    timeboxDays,
    targetDate,
  };
}

function isEmpty(form: OutcomeForm): boolean {
  return [form.outcome, form.successMeasure, form.timeboxDays, form.targetDate].every(
    (part) => part.trim() === '',
  );
}

/** The field value the form stands for: trimmed texts and only the chosen bound. */
export function valueFromForm(form: OutcomeForm): ScopedOutcome | null {
  if (isEmpty(form)) return null;
  const value: ScopedOutcome = {
    outcome: form.outcome.trim(),
    successMeasure: form.successMeasure.trim(),
  };
  if (form.bound === 'timebox') {
    const days = form.timeboxDays.trim();
    if (days !== '') value.timeboxDays = Number(days);
  } else {
    const date = form.targetDate.trim();
    if (date !== '') value.targetDate = date;
  }
  return value;
}

function sentence(instruction: string): string {
  return `${instruction.charAt(0).toUpperCase()}${instruction.slice(1)}.`;
}

/**
 * Checks the form with the domain's scoped-outcome rules. An empty form is fine (it clears the
 * field); anything else must be a complete scoped outcome before it can be saved.
 */
export function checkForm(
  form: OutcomeForm,
  rules: Pick<Config, 'scopedOutcome' | 'spike'>,
  spike = false,
): FormCheck {
  const value = valueFromForm(form);
  if (value === null) return { value, errors: {}, canSubmit: true };
  const errors: FormErrors = {};
  // A spike's bound is the spike timebox rule (domain/spike-timebox.ts), as the gates judge it.
  for (const problem of checkWorkOutcome(spike, value, rules).problems) {
    errors[problem.part] ??= sentence(describeOutcomeProblem(problem));
  }
  return { value, errors, canSubmit: Object.keys(errors).length === 0 };
}

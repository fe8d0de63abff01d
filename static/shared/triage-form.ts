import {
  readTriage,
  TRIAGE_LEVELS,
  TRIAGE_REASON_MAX,
  TriageInputSchema,
  type TriageInput,
  type TriageLevel,
} from '@domain/entry-criteria';

/**
 * The Entry triage form without React: what the inputs hold, the value they make and the
 * problems per input, in the words of the domain's TriageInputSchema (the resolver and the
 * field editor check the same rules: both levels, and a one-line reason when either is high).
 */

export type TriagePart = 'uncertainty' | 'risk' | 'reason';

export interface TriageForm {
  uncertainty: TriageLevel | '';
  risk: TriageLevel | '';
  reason: string;
}

export interface TriageCheck {
  /** The value to save; null for an empty form (clears the field where that is allowed). */
  value: TriageInput | null;
  errors: Partial<Record<TriagePart, string>>;
  canSubmit: boolean;
}

export const LEVEL_LABELS: Readonly<Record<TriageLevel, string>> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
};

export { TRIAGE_LEVELS, TRIAGE_REASON_MAX };

/** The form for a stored field value (object, JSON text, or nothing). */
export function triageFormFromValue(stored: unknown): TriageForm {
  let value = stored;
  if (typeof stored === 'string') {
    try {
      value = JSON.parse(stored);
    } catch {
      value = undefined;
    }
  }
  const triage = readTriage(value);
  return {
    uncertainty: triage?.uncertainty ?? '',
    risk: triage?.risk ?? '',
    reason: triage?.reason ?? '',
  };
}

function sentence(message: string): string {
  const text = message.trim();
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}${text.endsWith('.') ? '' : '.'}`;
}

/**
 * Checks the form. An empty form is fine where `allowEmpty` (it clears the field); otherwise
 * both levels must be chosen.
 */
export function checkTriageForm(form: TriageForm, options: { allowEmpty: boolean }): TriageCheck {
  const reason = form.reason.trim();
  if (options.allowEmpty && form.uncertainty === '' && form.risk === '' && reason === '') {
    return { value: null, errors: {}, canSubmit: true };
  }
  const errors: TriageCheck['errors'] = {};
  if (form.uncertainty === '') errors.uncertainty = 'Choose the uncertainty: low, medium or high.';
  if (form.risk === '') errors.risk = 'Choose the risk: low, medium or high.';
  const parsed = TriageInputSchema.safeParse({
    uncertainty: form.uncertainty === '' ? undefined : form.uncertainty,
    risk: form.risk === '' ? undefined : form.risk,
    ...(reason === '' ? {} : { reason }),
  });
  if (parsed.success) {
    return Object.keys(errors).length === 0
      ? { value: parsed.data, errors, canSubmit: true }
      : { value: null, errors, canSubmit: false };
  }
  for (const issue of parsed.error.issues) {
    const part = issue.path[0];
    if (part === 'uncertainty' || part === 'risk' || part === 'reason') {
      errors[part] ??= sentence(issue.message);
    }
  }
  return { value: null, errors, canSubmit: false };
}

import { Stack } from '@atlaskit/primitives';
import { FieldEditorFooter, useFieldSubmit } from '@ui/field-editor';
import type { TriageInput } from '@domain/entry-criteria';
import { TriageFields } from '@ui/TriageFields';
import { checkTriageForm, type TriageForm, type TriagePart } from '@ui/triage-form';
import { useState } from 'react';

export interface TriageEditorProps {
  initial: TriageForm;
  /** Hands the value to Jira (`view.submit`); `null` clears the field. */
  onSubmit: (value: TriageInput | null) => Promise<void>;
  /** Leaves the editor without saving; absent where Jira offers no cancel (issue create). */
  onCancel?: (() => void) | undefined;
}

/**
 * The edit view of the Entry triage field: uncertainty and risk, and a one-line reason when
 * either is high (the same rules as the issue panel and the resolver). An empty form clears the
 * field; problems show under their input once it was left or saving was tried.
 */
export function TriageEditor({ initial, onSubmit, onCancel }: TriageEditorProps) {
  const [form, setForm] = useState<TriageForm>(initial);
  const [touched, setTouched] = useState<Partial<Record<TriagePart, boolean>>>({});

  const check = checkTriageForm(form, { allowEmpty: true });
  const { tried, saving, saveError, submit } = useFieldSubmit(check, onSubmit);
  const shown: Partial<Record<TriagePart, string>> = {};
  for (const part of ['uncertainty', 'risk', 'reason'] as const) {
    if (tried || touched[part]) shown[part] = check.errors[part];
  }

  return (
    <form noValidate onSubmit={(e) => void submit(e)} aria-label="Entry triage">
      <Stack space="space.150">
        <TriageFields
          form={form}
          errors={shown}
          onChange={(patch) => setForm((f) => ({ ...f, ...patch }))}
          onBlur={(part) => setTouched((t) => ({ ...t, [part]: true }))}
        />
        <FieldEditorFooter
          errorTitle="The entry triage was not saved"
          saveError={saveError}
          saving={saving}
          onCancel={onCancel}
        />
      </Stack>
    </form>
  );
}

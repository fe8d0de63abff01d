import Button from '@atlaskit/button/new';
import { Inline, Stack } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import type { TriageInput } from '@domain/entry-criteria';
import { TriageFields } from '@ui/TriageFields';
import { checkTriageForm, type TriageForm, type TriagePart } from '@ui/triage-form';
import { useState, type FormEvent } from 'react';

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
  const [tried, setTried] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);

  const check = checkTriageForm(form, { allowEmpty: true });
  const shown: Partial<Record<TriagePart, string>> = {};
  for (const part of ['uncertainty', 'risk', 'reason'] as const) {
    if (tried || touched[part]) shown[part] = check.errors[part];
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!check.canSubmit) return;
    setSaving(true);
    setSaveError(null);
    try {
      await onSubmit(check.value);
    } catch (error) {
      setSaveError(error instanceof Error ? error.message : String(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form noValidate onSubmit={(e) => void submit(e)} aria-label="Entry triage">
      <Stack space="space.150">
        <TriageFields
          form={form}
          errors={shown}
          onChange={(patch) => setForm((f) => ({ ...f, ...patch }))}
          onBlur={(part) => setTouched((t) => ({ ...t, [part]: true }))}
        />
        {saveError && (
          <SectionMessage appearance="error" title="The entry triage was not saved">
            <p>{saveError}</p>
          </SectionMessage>
        )}
        <Inline space="space.100" alignInline="end">
          {onCancel && (
            <Button appearance="subtle" onClick={onCancel} isDisabled={saving}>
              Cancel
            </Button>
          )}
          <Button type="submit" appearance="primary" isLoading={saving}>
            Save
          </Button>
        </Inline>
      </Stack>
    </form>
  );
}

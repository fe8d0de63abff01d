import Button from '@atlaskit/button/new';
import { Inline } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import { useState, type FormEvent } from 'react';

/**
 * What the custom field edit views (Entry triage, Scoped outcome) share: saving the checked
 * value through Jira's `view.submit`, and the footer with the save error, Cancel and Save.
 */

export function useFieldSubmit<T>(
  check: { canSubmit: boolean; value: T },
  onSubmit: (value: T) => Promise<void>,
) {
  const [tried, setTried] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);

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

  return { tried, saving, saveError, submit };
}

export function FieldEditorFooter(props: {
  /** "The entry triage was not saved" */
  errorTitle: string;
  saveError: string | null;
  saving: boolean;
  onCancel?: (() => void) | undefined;
}) {
  return (
    <>
      {props.saveError && (
        <SectionMessage appearance="error" title={props.errorTitle}>
          <p>{props.saveError}</p>
        </SectionMessage>
      )}
      <Inline space="space.100" alignInline="end">
        {props.onCancel && (
          <Button appearance="subtle" onClick={props.onCancel} isDisabled={props.saving}>
            Cancel
          </Button>
        )}
        <Button type="submit" appearance="primary" isLoading={props.saving}>
          Save
        </Button>
      </Inline>
    </>
  );
}

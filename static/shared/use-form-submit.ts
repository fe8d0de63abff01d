import { useState, type FormEvent } from 'react';

/**
 * Saving a form: whether saving was tried (problems then show under every input), whether it is
 * saving now, and what went wrong. `submit` saves the checked value only when it may be sent.
 */
export function useFormSubmit<T>(
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

import { showFlag } from '@forge/bridge';
import type { BridgeError, Result } from '@contract/bridge-contract';
import { ConflictDetailsSchema, FieldIssuesSchema } from '@contract/settings-view';
import { useEffect, useState } from 'react';
import { useResolver } from './use-resolver';
import {
  differingPaths,
  errorsByField,
  reapply,
  type Checked,
  type Draft,
  type DraftValue,
  type FieldErrors,
} from './settings-draft';

/**
 * The state of a settings form (the admin page's global settings, a project's overrides): load,
 * edit, check as typed, save, and the answers a save can get: saved, invalid values by field, or a
 * conflict with the current values, which the admin can take or re-apply their edits over.
 */

export interface SettingsEditorSpec<V extends { version: number }> {
  load: () => Promise<Result<unknown>>;
  /** The resolver's answer as a view; null when it is not one. */
  parse: (data: unknown) => V | null;
  draftOf: (view: V) => Draft;
  /** Checks the draft against the view it was based on; the send names that version. */
  prepare: (draft: Draft, view: V) => Checked<() => Promise<Result<unknown>>>;
  /** The payload property the resolvers' field paths start with. */
  root: 'settings' | 'override';
  /** The flag a successful save shows (Jira's flag, outside the page). */
  savedFlag: (view: V) => SaveFlag;
}

export interface SaveFlag {
  type: 'success' | 'warning';
  title: string;
  description: string;
}

let flagCount = 0;

/** Shows a Jira flag; a flag that cannot be shown never gets in the way of the save's answer. */
function flag(type: 'success' | 'warning' | 'error', title: string, description: string) {
  try {
    flagCount += 1;
    showFlag({
      id: `dual-track-settings-${flagCount}`,
      type,
      title,
      description,
      isAutoDismiss: type === 'success',
    });
  } catch (error) {
    console.error('Dual Track: the flag could not be shown', error);
  }
}

export type Banner =
  | { kind: 'saved'; version: number }
  | { kind: 'invalid' }
  | { kind: 'reapplied'; version: number }
  | { kind: 'error'; error: BridgeError };

export interface Conflict<V> {
  current: V;
  message: string;
  /** Settings the other save changed, compared with the version this form started from. */
  changed: string[];
}

const UNKNOWN_ANSWER: BridgeError = {
  code: 'internal',
  message: 'The settings came back in a form this page does not know.',
};

export function useSettingsEditor<V extends { version: number }>(spec: SettingsEditorSpec<V>) {
  const [view, setView] = useState<V | null>(null);
  const [loadError, setLoadError] = useState<BridgeError | null>(null);
  const [base, setBase] = useState<Draft>({});
  const [draft, setDraft] = useState<Draft>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [banner, setBanner] = useState<Banner | null>(null);
  const [conflict, setConflict] = useState<Conflict<V> | null>(null);
  const [busy, setBusy] = useState(false);

  const show = (next: V) => {
    const d = spec.draftOf(next);
    setView(next);
    setBase(d);
    setDraft(d);
    setErrors({});
    setConflict(null);
  };

  // Loads once per mount: the spec is fixed for the page's lifetime.
  const loaded = useResolver(spec.load, []).state;
  useEffect(() => {
    if (loaded.kind === 'error') return setLoadError(loaded.error);
    if (loaded.kind !== 'ready') return;
    const next = spec.parse(loaded.data);
    if (next) show(next);
    else setLoadError(UNKNOWN_ANSWER);
  }, [loaded]);

  /**
   * Sets a setting (undefined: removes it from the draft, i.e. inherits it) and checks the draft
   * as it now is, so a problem shows at its fields while the person types.
   */
  const update = (path: string, value: DraftValue | undefined) => {
    const next: Record<string, DraftValue> = { ...draft };
    if (value === undefined) delete next[path];
    else next[path] = value;
    setDraft(next);
    const checked = view ? spec.prepare(next, view) : null;
    const nextErrors = checked && !checked.ok ? checked.errors : {};
    setErrors(nextErrors);
    setBanner((b) =>
      b?.kind === 'saved' || (b?.kind === 'invalid' && Object.keys(nextErrors).length === 0)
        ? null
        : b,
    );
  };

  const answer = (result: Result<unknown>) => {
    if (result.ok) {
      const next = spec.parse(result.data);
      if (!next) return setBanner({ kind: 'error', error: UNKNOWN_ANSWER });
      show(next);
      const saved = spec.savedFlag(next);
      flag(saved.type, saved.title, saved.description);
      return setBanner({ kind: 'saved', version: next.version });
    }
    const error = result.error;
    if (error.code === 'conflict') {
      const details = ConflictDetailsSchema.safeParse(error.details);
      const current = details.success ? spec.parse(details.data.current) : null;
      if (current) {
        setConflict({
          current,
          message: error.message,
          changed: differingPaths(base, spec.draftOf(current)),
        });
        flag('warning', 'Not saved: someone else saved these settings first', error.message);
        return setBanner(null);
      }
    }
    if (error.code === 'invalid-input') {
      const details = FieldIssuesSchema.safeParse(error.details);
      if (details.success) {
        setErrors(errorsByField(details.data.fields, spec.root));
        return setBanner({ kind: 'invalid' });
      }
    }
    flag('error', 'The settings could not be saved', error.message);
    return setBanner({ kind: 'error', error });
  };

  const save = async () => {
    if (!view || busy) return;
    const prepared = spec.prepare(draft, view);
    if (!prepared.ok) {
      setErrors(prepared.errors);
      return setBanner({ kind: 'invalid' });
    }
    setBusy(true);
    try {
      answer(await prepared.value());
    } finally {
      setBusy(false);
    }
  };

  /** After a conflict: my edits over the current version, to review and save again. */
  const reapplyMine = () => {
    if (!conflict) return;
    const current = spec.draftOf(conflict.current);
    setView(conflict.current);
    setBase(current);
    setDraft(reapply(base, draft, current));
    setConflict(null);
    setBanner({ kind: 'reapplied', version: conflict.current.version });
  };

  /** After a conflict: drop my edits and show the current version. */
  const takeCurrent = () => {
    if (!conflict) return;
    show(conflict.current);
    setBanner(null);
  };

  const discard = () => {
    setDraft(base);
    setErrors({});
    setBanner(null);
  };

  return {
    view,
    loadError,
    draft,
    errors,
    banner,
    conflict,
    busy,
    dirty: differingPaths(base, draft).length > 0,
    update,
    save,
    reapplyMine,
    takeCurrent,
    discard,
  };
}

export type SettingsEditor<V extends { version: number }> = ReturnType<typeof useSettingsEditor<V>>;

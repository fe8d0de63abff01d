import Button from '@atlaskit/button/new';
import Checkbox from '@atlaskit/checkbox';
import { Label } from '@atlaskit/form';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { ModalTransition } from '@atlaskit/modal-dialog';
import { Box, Inline, Stack, Text, xcss } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import TextArea from '@atlaskit/textarea';
import Textfield from '@atlaskit/textfield';
import { EVIDENCE_TYPE_VALUES, isWebAddress, type PayloadOf } from '@contract/bridge-contract';
import type { EvidenceEntryView, IssueEvidence } from '@contract/issue-readiness';
import { validationFlip } from '@domain/validation-flip';
import type { EvidenceType } from '@domain/track';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { today, useAction } from './actions';
import { evidenceCalls, type IdeaTarget } from './evidence-calls';
import { ConfirmDialog } from './ConfirmDialog';
import { NoteForm } from './NoteField';
import { formatDate } from '@ui/dates';
import { DateField } from '@ui/DateField';
import { ChoiceSelect } from '@ui/ChoiceSelect';

/**
 * The evidence log of a discovery idea: the count toward the validation threshold, the entries
 * (newest first) and, for people who may edit, adding, editing and removing entries and recording
 * the idea as invalidated. Removing asks first, and an Undo stays for 30 seconds; any change that
 * flips the idea's validation state says so (by the domain's rule) before it is saved.
 */

/** How long the Undo of a removal is offered (the server allows a little longer). */
const UNDO_MS = 30_000;

const TYPE_LABELS: Record<EvidenceType, string> = {
  interview: 'Interview',
  'usability-test': 'Usability test',
  'prototype-review': 'Prototype review',
  'concierge-test': 'Concierge test',
  experiment: 'Experiment',
};

const POSITIVE_LABELS: Record<EvidenceType, string> = {
  interview: 'Confirmed the problem',
  'usability-test': 'Passed without help',
  'prototype-review': 'Positive',
  'concierge-test': 'Positive',
  experiment: 'Positive',
};

const STATE_LOZENGE = {
  validated: { appearance: 'success', text: 'Validated' },
  unvalidated: { appearance: 'inprogress', text: 'Not validated yet' },
  invalidated: { appearance: 'removed', text: 'Invalidated' },
} as const;

const entryStyles = xcss({
  borderColor: 'color.border',
  borderStyle: 'solid',
  borderWidth: 'border.width',
  borderRadius: 'radius.medium',
  padding: 'space.100',
});

type Entry = PayloadOf<'evidence/add'>['entry'];

/** A change waiting for the person's confirmation in the dialog. */
type Pending =
  | { kind: 'remove'; entry: EvidenceEntryView; flip: string | undefined }
  | { kind: 'save'; entry: Entry; id: string | undefined; flip: string };

const describeEntry = (e: { type: EvidenceType; date: string }) =>
  `the ${TYPE_LABELS[e.type].toLowerCase()} of ${formatDate(e.date)}`;

/** The sentence saying how the change flips the idea's validation state, if it does. */
function flipOf(evidence: IssueEvidence, after: ReadonlyArray<Pick<Entry, 'type' | 'positive'>>) {
  const counted = after.map((e) => ({ type: e.type, positive: e.positive ?? false }));
  return validationFlip(evidence.entries, counted, evidence.rules, evidence.invalidated !== null)
    ?.text;
}

/** The Undo of the last removal, offered for UNDO_MS. */
function useUndo() {
  const [undo, setUndo] = useState<{ id: string; text: string } | null>(null);
  useEffect(() => {
    if (!undo) return;
    const timer = setTimeout(() => setUndo(null), UNDO_MS);
    return () => clearTimeout(timer);
  }, [undo]);
  return { undo, setUndo };
}

function PendingDialog(props: {
  pending: Pending;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { pending } = props;
  const remove = pending.kind === 'remove';
  return (
    <ConfirmDialog
      title={remove ? 'Remove this evidence?' : 'Save this evidence?'}
      confirmLabel={remove ? 'Remove' : 'Save anyway'}
      appearance={remove ? 'danger' : 'warning'}
      busy={props.busy}
      onConfirm={props.onConfirm}
      onCancel={props.onCancel}
    >
      {remove
        ? `Remove ${describeEntry(pending.entry)}? ${pending.flip ?? 'The idea’s validation state stays as it is.'} You can undo it for 30 seconds.`
        : `${pending.flip} Save it anyway?`}
    </ConfirmDialog>
  );
}
interface FormValue {
  type: EvidenceType;
  date: string;
  summary: string;
  link: string;
  positive: boolean;
}

const emptyForm = (): FormValue => ({
  type: 'interview',
  date: today(),
  summary: '',
  link: '',
  positive: true,
});

function toEntry(form: FormValue): Entry {
  const link = form.link.trim();
  return {
    type: form.type,
    date: form.date,
    summary: form.summary.trim(),
    ...(link ? { link } : {}),
    positive: form.positive,
  };
}

function EntryForm(props: {
  initial: FormValue;
  submitLabel: string;
  busy: boolean;
  onSubmit: (entry: Entry) => Promise<boolean>;
  onCancel: () => void;
}) {
  const id = useId();
  const [form, setForm] = useState(props.initial);
  const set = (patch: Partial<FormValue>) => setForm((f) => ({ ...f, ...patch }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await props.onSubmit(toEntry(form))) setForm(emptyForm());
  };
  return (
    <form
      onSubmit={(e) => void submit(e)}
      aria-label={props.submitLabel}
      data-testid="evidence-form"
    >
      <Stack space="space.100">
        <Inline space="space.100" shouldWrap>
          <div>
            <Label htmlFor={`${id}-type`}>Type</Label>
            <ChoiceSelect
              inputId={`${id}-type`}
              testId="evidence-type"
              value={form.type}
              options={EVIDENCE_TYPE_VALUES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))}
              onChange={(type) => set({ type })}
            />
          </div>
          <div>
            <Label htmlFor={`${id}-date`}>Date</Label>
            <DateField id={`${id}-date`} value={form.date} onChange={(date) => set({ date })} />
          </div>
        </Inline>
        <div>
          <Label htmlFor={`${id}-summary`}>What we learned</Label>
          <TextArea
            id={`${id}-summary`}
            minimumRows={2}
            isRequired
            maxLength={2000}
            value={form.summary}
            onChange={(e) => set({ summary: e.target.value })}
          />
        </div>
        <div>
          <Label htmlFor={`${id}-link`}>Link (optional)</Label>
          <Textfield
            id={`${id}-link`}
            type="url"
            placeholder="https://"
            value={form.link}
            onChange={(e) => set({ link: e.currentTarget.value })}
          />
        </div>
        <Checkbox
          label={POSITIVE_LABELS[form.type]}
          isChecked={form.positive}
          onChange={(e) => set({ positive: e.target.checked })}
        />
        <Inline space="space.100">
          <Button type="submit" appearance="primary" isDisabled={props.busy}>
            {props.submitLabel}
          </Button>
          <Button appearance="subtle" onClick={props.onCancel}>
            Cancel
          </Button>
        </Inline>
      </Stack>
    </form>
  );
}

function EntryRow(props: {
  entry: EvidenceEntryView;
  canEdit: boolean;
  busy: boolean;
  onEdit: () => void;
  onRemove: () => void;
}) {
  const { entry } = props;
  return (
    <li data-testid={`evidence-${entry.id}`}>
      <Box xcss={entryStyles}>
        <Stack space="space.050">
          <Inline space="space.100" alignBlock="center" shouldWrap>
            <Text weight="bold">{TYPE_LABELS[entry.type]}</Text>
            <Text color="color.text.subtle">{formatDate(entry.date)}</Text>
            {(entry.type === 'interview' || entry.type === 'usability-test') && (
              <Lozenge appearance={entry.positive ? 'success' : 'default'}>
                {entry.positive ? POSITIVE_LABELS[entry.type] : 'Does not count'}
              </Lozenge>
            )}
          </Inline>
          <Text as="p">{entry.summary}</Text>
          {entry.link && isWebAddress(entry.link) ? (
            <a className="dt-link" href={entry.link} target="_blank" rel="noreferrer noopener">
              {entry.link}
            </a>
          ) : (
            entry.link && <Text as="p">{entry.link}</Text>
          )}
          {props.canEdit && (
            <Inline space="space.100">
              <Button appearance="subtle" spacing="compact" onClick={props.onEdit}>
                Edit
              </Button>
              <Button
                appearance="subtle"
                spacing="compact"
                isDisabled={props.busy}
                onClick={props.onRemove}
              >
                Remove
              </Button>
            </Inline>
          )}
        </Stack>
      </Box>
    </li>
  );
}

export function EvidenceLog(props: {
  evidence: IssueEvidence;
  canEdit: boolean;
  reload: () => Promise<void>;
  /** An idea of a connected JPD space, from the project page; else the panel's issue. */
  idea?: IdeaTarget;
}) {
  const { evidence, canEdit } = props;
  const action = useAction(props.reload);
  const calls = evidenceCalls(action.run, props.idea);
  const [mode, setMode] = useState<
    { kind: 'list' } | { kind: 'add' } | { kind: 'edit'; id: string } | { kind: 'invalidate' }
  >({ kind: 'list' });
  const [reason, setReason] = useState('');
  const [pending, setPending] = useState<Pending | null>(null);
  const { undo, setUndo } = useUndo();
  const reasonId = useId();
  const state = STATE_LOZENGE[evidence.state];

  const write = async (entry: Entry, id: string | undefined) => {
    const result = id === undefined ? await calls.add(entry) : await calls.update(id, entry);
    if (result.ok) setMode({ kind: 'list' });
    return result.ok;
  };
  /** Saves, or first asks when the change flips the idea's validation state. */
  const save = async (entry: Entry, id?: string) => {
    const after =
      id === undefined
        ? [...evidence.entries, entry]
        : evidence.entries.map((e) => (e.id === id ? entry : e));
    const flip = flipOf(evidence, after);
    if (flip) {
      setPending({ kind: 'save', entry, id, flip });
      return false;
    }
    return write(entry, id);
  };
  const askRemove = (entry: EvidenceEntryView) =>
    setPending({
      kind: 'remove',
      entry,
      flip: flipOf(
        evidence,
        evidence.entries.filter((e) => e.id !== entry.id),
      ),
    });
  const confirm = async () => {
    if (!pending) return;
    if (pending.kind === 'save') {
      if (await write(pending.entry, pending.id)) setPending(null);
      return;
    }
    const result = await calls.remove(pending.entry.id);
    setPending(null);
    if (result.ok) {
      setUndo({ id: pending.entry.id, text: `Removed ${describeEntry(pending.entry)}.` });
    }
  };
  const restore = async (id: string) => {
    const result = await calls.restore(id);
    if (result.ok) setUndo(null);
  };

  return (
    <Stack space="space.150">
      <Inline space="space.100" alignBlock="center" shouldWrap>
        <Heading size="small" as="h2">
          Evidence
        </Heading>
        <span data-testid="evidence-state">
          <Lozenge appearance={state.appearance} isBold>
            {state.text}
          </Lozenge>
        </span>
      </Inline>
      <Text as="p" testId="evidence-summary">
        {evidence.summary || 'This project needs no evidence to validate an idea.'}
      </Text>
      {evidence.invalidated && (
        <SectionMessage appearance="warning" title="Decided invalidated">
          <Stack space="space.100">
            <Text as="p">{evidence.invalidated.reason}</Text>
            {canEdit && (
              <Inline>
                <Button
                  isDisabled={action.busy}
                  onClick={() => void calls.decide({ invalidated: false })}
                >
                  Take the decision back
                </Button>
              </Inline>
            )}
          </Stack>
        </SectionMessage>
      )}
      {action.error && (
        <SectionMessage appearance="error" title="That did not work">
          <Text as="p">{action.error}</Text>
        </SectionMessage>
      )}
      <ModalTransition>
        {pending && (
          <PendingDialog
            pending={pending}
            busy={action.busy}
            onConfirm={() => void confirm()}
            onCancel={() => setPending(null)}
          />
        )}
      </ModalTransition>
      {undo && (
        <SectionMessage appearance="information" testId="evidence-undo">
          <Inline space="space.100" alignBlock="center" shouldWrap>
            <Text as="p">{undo.text}</Text>
            <Button
              appearance="subtle"
              spacing="compact"
              isDisabled={action.busy}
              onClick={() => void restore(undo.id)}
            >
              Undo
            </Button>
          </Inline>
        </SectionMessage>
      )}
      {canEdit && mode.kind === 'list' && (
        <Inline space="space.100">
          <Button appearance="primary" onClick={() => setMode({ kind: 'add' })}>
            Add evidence
          </Button>
          {!evidence.invalidated && (
            <Button appearance="subtle" onClick={() => setMode({ kind: 'invalidate' })}>
              Record as invalidated
            </Button>
          )}
        </Inline>
      )}
      {mode.kind === 'add' && (
        <EntryForm
          initial={emptyForm()}
          submitLabel="Save evidence"
          busy={action.busy}
          onSubmit={(entry) => save(entry)}
          onCancel={() => setMode({ kind: 'list' })}
        />
      )}
      {mode.kind === 'invalidate' && (
        <NoteForm
          label="Record as invalidated"
          note={{
            id: reasonId,
            label: 'Why is this idea invalidated?',
            value: reason,
            onChange: setReason,
          }}
          submit={{ label: 'Record as invalidated', appearance: 'warning' }}
          busy={action.busy}
          save={() => calls.decide({ invalidated: true, reason: reason.trim() })}
          onSaved={() => setMode({ kind: 'list' })}
          onCancel={() => setMode({ kind: 'list' })}
        />
      )}
      {evidence.entries.length === 0 ? (
        <Text as="p" color="color.text.subtle">
          No evidence recorded yet.
        </Text>
      ) : (
        <ul className="dt-list" data-testid="evidence-list" aria-label="Evidence entries">
          {evidence.entries.map((entry) =>
            mode.kind === 'edit' && mode.id === entry.id ? (
              <li key={entry.id}>
                <EntryForm
                  initial={{
                    type: entry.type,
                    date: entry.date,
                    summary: entry.summary,
                    link: entry.link ?? '',
                    positive: entry.positive,
                  }}
                  submitLabel="Save changes"
                  busy={action.busy}
                  onSubmit={(value) => save(value, entry.id)}
                  onCancel={() => setMode({ kind: 'list' })}
                />
              </li>
            ) : (
              <EntryRow
                key={entry.id}
                entry={entry}
                canEdit={canEdit}
                busy={action.busy}
                onEdit={() => setMode({ kind: 'edit', id: entry.id })}
                onRemove={() => askRemove(entry)}
              />
            ),
          )}
        </ul>
      )}
    </Stack>
  );
}

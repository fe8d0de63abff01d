import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { Box, Inline, Stack, Text, xcss } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import { EVIDENCE_TYPE_VALUES, isWebAddress, type PayloadOf } from '@contract/bridge-contract';
import type { EvidenceEntryView, IssueEvidence } from '@contract/issue-readiness';
import type { EvidenceType } from '@domain/track';
import { useId, useState, type FormEvent } from 'react';
import { today, useAction } from './actions';
import { NoteForm } from './NoteField';
import { formatDate } from '@ui/dates';
import { DateField } from '@ui/DateField';
import { ChoiceSelect } from '@ui/ChoiceSelect';

/**
 * The evidence log of a discovery idea: the count toward the validation threshold, the entries
 * (newest first) and, for people who may edit, adding, editing and removing entries and recording
 * the idea as invalidated. Uses the evidence/* resolvers.
 */

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
            <label className="dt-label" htmlFor={`${id}-type`}>
              Type
            </label>
            <ChoiceSelect
              inputId={`${id}-type`}
              testId="evidence-type"
              value={form.type}
              options={EVIDENCE_TYPE_VALUES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))}
              onChange={(type) => set({ type })}
            />
          </div>
          <div>
            <label className="dt-label" htmlFor={`${id}-date`}>
              Date
            </label>
            <DateField id={`${id}-date`} value={form.date} onChange={(date) => set({ date })} />
          </div>
        </Inline>
        <div>
          <label className="dt-label" htmlFor={`${id}-summary`}>
            What we learned
          </label>
          <textarea
            id={`${id}-summary`}
            className="dt-input"
            rows={2}
            required
            maxLength={2000}
            value={form.summary}
            onChange={(e) => set({ summary: e.target.value })}
          />
        </div>
        <div>
          <label className="dt-label" htmlFor={`${id}-link`}>
            Link (optional)
          </label>
          <input
            id={`${id}-link`}
            className="dt-input"
            type="url"
            placeholder="https://"
            value={form.link}
            onChange={(e) => set({ link: e.target.value })}
          />
        </div>
        <label>
          <input
            type="checkbox"
            className="dt-check"
            checked={form.positive}
            onChange={(e) => set({ positive: e.target.checked })}
          />{' '}
          {POSITIVE_LABELS[form.type]}
        </label>
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
}) {
  const { evidence, canEdit } = props;
  const action = useAction(props.reload);
  const [mode, setMode] = useState<
    { kind: 'list' } | { kind: 'add' } | { kind: 'edit'; id: string } | { kind: 'invalidate' }
  >({ kind: 'list' });
  const [reason, setReason] = useState('');
  const reasonId = useId();
  const state = STATE_LOZENGE[evidence.state];

  const save = async (key: 'evidence/add' | 'evidence/update', entry: Entry, id?: string) => {
    const result =
      key === 'evidence/add'
        ? await action.run('evidence/add', { entry })
        : await action.run('evidence/update', { id: id ?? '', entry });
    if (result.ok) setMode({ kind: 'list' });
    return result.ok;
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
                  onClick={() => void action.run('evidence/decide', { invalidated: false })}
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
          onSubmit={(entry) => save('evidence/add', entry)}
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
          save={() => action.run('evidence/decide', { invalidated: true, reason: reason.trim() })}
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
                  onSubmit={(value) => save('evidence/update', value, entry.id)}
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
                onRemove={() => void action.run('evidence/remove', { id: entry.id })}
              />
            ),
          )}
        </ul>
      )}
    </Stack>
  );
}

import Button from '@atlaskit/button/new';
import { Fieldset, Label } from '@atlaskit/form';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { RadioGroup } from '@atlaskit/radio';
import SectionMessage from '@atlaskit/section-message';
import TextArea from '@atlaskit/textarea';
import Textfield from '@atlaskit/textfield';
import type { ExploreKind } from '@contract/bridge-contract';
import type { DiscoveryRef, EntryView, IssueReadiness } from '@contract/issue-readiness';
import { TriageFields } from '@ui/TriageFields';
import {
  checkTriageForm,
  triageFormFromValue,
  type TriageForm,
  type TriagePart,
} from '@ui/triage-form';
import { useId, useState, type FormEvent } from 'react';
import { useAction } from './actions';
import { checkSpikeOutcome, SpikeOutcomeFields, type SpikeOutcomeForm } from './SpikeOutcomeFields';
import { formatDate, localizeDates } from '@ui/dates';

/**
 * Discovery entry: the item's Entry triage (uncertainty, risk, reason), editable in place by
 * people who may edit the issue; and for a delivery item that meets the discovery entry criteria,
 * where its discovery stands: flagged "belongs in discovery first" with the reasons and "Explore
 * first" (creates a linked Spike or Discovery item with the question to answer), "waiting on" the
 * discovery under way, or "covered by" a validated idea or finished spike.
 */
export function EntrySection(props: {
  readiness: IssueReadiness;
  reload: () => Promise<void>;
  onOpen: (key: string) => void;
}) {
  const { readiness: r } = props;
  const [explored, setExplored] = useState<{ key: string; message: string; ok: boolean } | null>(
    null,
  );
  // Without a verdict (discovery items, delivery work meeting no criterion) only the triage shows.
  if (!r.entry) return <Triage readiness={r} reload={props.reload} main />;
  return (
    <Stack space="space.150">
      <Heading size="small" as="h2">
        Discovery entry
      </Heading>
      <Verdict entry={r.entry} onOpen={props.onOpen} />
      {r.entry.state === 'needs-discovery' && (
        <ExploreFirst readiness={r} reload={props.reload} onDone={setExplored} />
      )}
      {explored && (
        <SectionMessage
          appearance={explored.ok ? 'success' : 'warning'}
          title={explored.ok ? 'Discovery started' : 'Created, but not linked'}
        >
          <Stack space="space.050">
            <Text as="p" testId="explore-result">
              {localizeDates(explored.message)}
            </Text>
            <Inline>
              <Button
                appearance="subtle"
                spacing="compact"
                onClick={() => props.onOpen(explored.key)}
              >
                Open {explored.key}
              </Button>
            </Inline>
          </Stack>
        </SectionMessage>
      )}
      <Triage readiness={r} reload={props.reload} />
    </Stack>
  );
}

const CATEGORY_LOZENGE = { new: 'default', indeterminate: 'inprogress', done: 'success' } as const;

/** Each linked discovery item with its status and, once recorded, its decision. */
function Refs(props: { refs: readonly DiscoveryRef[]; onOpen: (key: string) => void }) {
  return (
    <ul className="dt-list">
      {props.refs.map((ref) => (
        <li key={ref.key} data-testid={`discovery-${ref.key}`}>
          <Stack space="space.050">
            <Inline space="space.100" alignBlock="center" shouldWrap>
              <Button appearance="subtle" spacing="compact" onClick={() => props.onOpen(ref.key)}>
                {ref.key}
              </Button>
              <Text>{ref.summary}</Text>
              {ref.status && (
                <Lozenge appearance={CATEGORY_LOZENGE[ref.statusCategory]}>{ref.status}</Lozenge>
              )}
            </Inline>
            {ref.decision ? (
              <Text as="p" testId={`decision-${ref.key}`}>
                Decision ({formatDate(ref.decision.at)}): {ref.decision.note}
              </Text>
            ) : (
              <Text as="p" color="color.text.subtle" testId={`decision-${ref.key}`}>
                No decision recorded yet.
              </Text>
            )}
          </Stack>
        </li>
      ))}
    </ul>
  );
}

function Verdict(props: { entry: EntryView; onOpen: (key: string) => void }) {
  const { entry } = props;
  const reasons = entry.reasons.join(', ');
  switch (entry.state) {
    case 'needs-discovery':
      return (
        <div data-testid="entry-flag">
          <SectionMessage appearance="warning" title="Belongs in discovery first">
            <Stack space="space.050">
              <Text as="p" testId="entry-reasons">
                Meets the discovery entry criteria: {reasons}.
              </Text>
              <Text as="p">
                No validated idea or finished spike is linked to it. Explore it first, or link the
                discovery that answers it.
              </Text>
            </Stack>
          </SectionMessage>
        </div>
      );
    case 'waiting':
      return (
        <Stack space="space.075" testId="entry-waiting">
          <Inline space="space.100" alignBlock="center" shouldWrap>
            <Lozenge appearance="inprogress" isBold>
              Waiting on discovery
            </Lozenge>
            <Text weight="medium" testId="entry-waiting-text">
              Waiting on {entry.waitingOn.map((w) => w.key).join(', ')}
            </Text>
          </Inline>
          <Text as="p" color="color.text.subtle">
            Meets the discovery entry criteria ({reasons}); delivery starts once this discovery is
            validated or finished.
          </Text>
          <Refs refs={entry.waitingOn} onOpen={props.onOpen} />
        </Stack>
      );
    case 'covered':
      return (
        <Stack space="space.075" testId="entry-covered">
          <Inline space="space.100" alignBlock="center" shouldWrap>
            <Lozenge appearance="success" isBold>
              Covered
            </Lozenge>
            <Text weight="medium" testId="entry-covered-text">
              Covered by {entry.coveredBy?.key ?? 'linked discovery'}
            </Text>
          </Inline>
          <Text as="p" color="color.text.subtle">
            Meets the discovery entry criteria ({reasons}), and the discovery behind it is done.
          </Text>
          {entry.coveredBy && <Refs refs={[entry.coveredBy]} onOpen={props.onOpen} />}
        </Stack>
      );
  }
}

const KIND_LABELS: Record<ExploreKind, string> = {
  spike: 'Spike: a timeboxed technical investigation',
  idea: 'Discovery item: an idea to validate with customers',
};

function defaultQuestion(summary: string): string {
  const question = `What do we need to learn before we build “${summary.trim()}”?`;
  return question.length <= 255 ? question : `${question.slice(0, 252)}…`;
}

function ExploreFirst(props: {
  readiness: IssueReadiness;
  reload: () => Promise<void>;
  onDone: (result: { key: string; message: string; ok: boolean }) => void;
}) {
  const { readiness: r } = props;
  const id = useId();
  const action = useAction(props.reload);
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<ExploreKind>('spike');
  const [question, setQuestion] = useState(defaultQuestion(r.issue.summary));
  const [details, setDetails] = useState('');
  const [tried, setTried] = useState(false);
  const draft = r.entry?.spikeDraft ?? null;
  const [outcome, setOutcome] = useState<SpikeOutcomeForm>({
    outcome: draft?.outcome ?? '',
    successMeasure: draft?.successMeasure ?? '',
    timeboxDays: draft ? String(draft.timeboxDays) : '',
  });
  const questionProblem = question.trim() === '' ? 'Write the question to answer.' : undefined;
  // A spike is created with its reviewed scoped outcome; an idea has none.
  const withOutcome = kind === 'spike' && draft !== null;
  const outcomeErrors = withOutcome ? checkSpikeOutcome(outcome, draft.maxTimeboxDays) : {};
  const outcomeProblem = Object.keys(outcomeErrors).length > 0;

  if (!r.canPromote) {
    return (
      <Text as="p" color="color.text.subtle" testId="explore-not-allowed">
        Exploring first needs the Create issues and Link issues permissions in this project.
      </Text>
    );
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (questionProblem || outcomeProblem) return;
    const trimmed = details.trim();
    const result = await action.run('issue/explore-first', {
      kind,
      question: question.trim(),
      ...(trimmed ? { details: trimmed } : {}),
      ...(withOutcome
        ? {
            scopedOutcome: {
              outcome: outcome.outcome.trim(),
              successMeasure: outcome.successMeasure.trim(),
              timeboxDays: Number(outcome.timeboxDays),
            },
          }
        : {}),
    });
    if (!result.ok) return;
    const data = result.data;
    setOpen(false);
    props.onDone({ key: data.item.key, message: data.message, ok: data.linked });
  };
  return (
    <Stack space="space.100" testId="explore-first">
      {!open && (
        <Inline>
          <Button appearance="primary" onClick={() => setOpen(true)}>
            Explore first
          </Button>
        </Inline>
      )}
      {open && (
        <form
          aria-label="Explore first"
          data-testid="explore-form"
          onSubmit={(e) => void submit(e)}
        >
          <Stack space="space.100">
            <Fieldset legend="Create">
              <RadioGroup
                name={`${id}-kind`}
                value={kind}
                options={(['spike', 'idea'] as const).map((k) => ({
                  name: `${id}-kind`,
                  value: k,
                  label: KIND_LABELS[k],
                }))}
                onChange={(e) => setKind(e.currentTarget.value === 'idea' ? 'idea' : 'spike')}
              />
            </Fieldset>
            <div>
              <Label htmlFor={`${id}-question`}>Question to answer</Label>
              <Textfield
                id={`${id}-question`}
                maxLength={255}
                value={question}
                isInvalid={tried && questionProblem !== undefined}
                aria-describedby={tried && questionProblem ? `${id}-question-error` : undefined}
                onChange={(e) => setQuestion(e.currentTarget.value)}
              />
              {tried && questionProblem && (
                <Text as="p" color="color.text.danger" testId="explore-question-error">
                  <span id={`${id}-question-error`}>{questionProblem}</span>
                </Text>
              )}
            </div>
            <div>
              <Label htmlFor={`${id}-details`}>What we know so far (optional)</Label>
              <TextArea
                id={`${id}-details`}
                minimumRows={2}
                maxLength={2000}
                value={details}
                onChange={(e) => setDetails(e.target.value)}
              />
            </div>
            {withOutcome && (
              <SpikeOutcomeFields
                idPrefix={id}
                form={outcome}
                errors={tried ? outcomeErrors : {}}
                maxDays={draft.maxTimeboxDays}
                onChange={(patch) => setOutcome((o) => ({ ...o, ...patch }))}
              />
            )}
            <Text as="p" color="color.text.subtle">
              The new item goes into this project with the question as its summary, gets this item’s
              entry triage, and blocks {r.issue.key} until it is done.
            </Text>
            <Inline space="space.100">
              <Button type="submit" appearance="primary" isDisabled={action.busy}>
                {action.busy ? 'Creating…' : 'Create and link'}
              </Button>
              <Button appearance="subtle" onClick={() => setOpen(false)} isDisabled={action.busy}>
                Cancel
              </Button>
            </Inline>
          </Stack>
        </form>
      )}
      {action.error && (
        <SectionMessage appearance="error" title="Nothing was explored">
          <Text as="p">{action.error}</Text>
        </SectionMessage>
      )}
    </Stack>
  );
}

function Triage(props: {
  readiness: IssueReadiness;
  reload: () => Promise<void>;
  /** The section's only content: its heading is the section's. */
  main?: boolean;
}) {
  const { readiness: r } = props;
  const action = useAction(props.reload);
  const [editing, setEditing] = useState(false);
  const [form, setForm] = useState<TriageForm>(triageFormFromValue(r.triage.value));
  const [touched, setTouched] = useState<Partial<Record<TriagePart, boolean>>>({});
  const [tried, setTried] = useState(false);
  const check = checkTriageForm(form, { allowEmpty: false });
  const shown: Partial<Record<TriagePart, string>> = {};
  for (const part of ['uncertainty', 'risk', 'reason'] as const) {
    if (tried || touched[part]) shown[part] = check.errors[part];
  }
  const canEdit = r.canEdit && r.triage.available;

  const startEditing = () => {
    setForm(triageFormFromValue(r.triage.value));
    setTouched({});
    setTried(false);
    action.clearError();
    setEditing(true);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!check.canSubmit || !check.value) return;
    const result = await action.run('issue/triage/save', check.value);
    if (result.ok) setEditing(false);
  };

  return (
    <Stack space="space.100" testId="triage">
      <Heading size={props.main ? 'small' : 'xsmall'} as={props.main ? 'h2' : 'h3'}>
        Entry triage
      </Heading>
      {!editing && (
        <Inline space="space.100" alignBlock="center" shouldWrap>
          <Text as="p" testId="triage-text">
            {r.triage.text ?? (r.triage.available ? 'Not triaged yet.' : 'Not available here.')}
          </Text>
          {canEdit && (
            <Button appearance="subtle" spacing="compact" onClick={startEditing}>
              {r.triage.value ? 'Edit triage' : 'Set triage'}
            </Button>
          )}
        </Inline>
      )}
      {editing && (
        <form
          noValidate
          aria-label="Entry triage"
          data-testid="triage-form"
          onSubmit={(e) => void submit(e)}
        >
          <Stack space="space.100">
            <TriageFields
              form={form}
              errors={shown}
              onChange={(patch) => setForm((f) => ({ ...f, ...patch }))}
              onBlur={(part) => setTouched((t) => ({ ...t, [part]: true }))}
            />
            <Inline space="space.100">
              <Button type="submit" appearance="primary" isDisabled={action.busy}>
                Save triage
              </Button>
              <Button
                appearance="subtle"
                onClick={() => setEditing(false)}
                isDisabled={action.busy}
              >
                Cancel
              </Button>
            </Inline>
          </Stack>
        </form>
      )}
      {action.error && (
        <SectionMessage appearance="error" title="The triage was not saved">
          <Text as="p">{action.error}</Text>
        </SectionMessage>
      )}
    </Stack>
  );
}

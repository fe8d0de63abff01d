import { fieldErrorsByPath } from '@ui/bridge-client';
import Button from '@atlaskit/button/new';
import Checkbox from '@atlaskit/checkbox';
import { Fieldset, Label } from '@atlaskit/form';
import Modal, {
  ModalBody,
  ModalFooter,
  ModalHeader,
  ModalTitle,
  ModalTransition,
} from '@atlaskit/modal-dialog';
import { Stack, Text } from '@atlaskit/primitives';
import { RadioGroup } from '@atlaskit/radio';
import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import TextArea from '@atlaskit/textarea';
import Textfield from '@atlaskit/textfield';
import type { PayloadOf, Result, ResultOf } from '@contract/bridge-contract';
import type { TemplatesOffer as Offer } from '@contract/templates-view';
import { localizeDates } from '@ui/dates';
import { useResolver } from '@ui/use-resolver';
import {
  TEMPLATE_SHAPES,
  type DiscoveryTemplate,
  type TemplateSection,
} from '@domain/discovery-templates';
import { useId, useRef, useState, type FormEvent } from 'react';
import '@ui/form-controls.css';
import './new-discovery-item.css';
import { DateField } from '@ui/DateField';

/** How the dialog talks to the backend: the contract's `templates/list` and `templates/create`. */
export interface DiscoveryItemApi {
  list: () => Promise<Result<Offer>>;
  create: (payload: PayloadOf<'templates/create'>) => Promise<Result<ResultOf<'templates/create'>>>;
}

type Choice = Offer['choices'][number];

interface Created {
  key: string;
  message: string;
}

type Answers = Record<string, string>;
type Errors = Record<string, string>;

const isRequired = (template: DiscoveryTemplate, s: TemplateSection) =>
  s.required || TEMPLATE_SHAPES[template.id].sections[s.id]?.locked === true;

/** What the browser can tell before asking: required parts present, numbers in range. */
function checkLocally(
  choice: Choice,
  summary: string,
  answers: Answers,
  attachment: DiscoveryTemplate | undefined,
  pressRelease: Answers,
  maxSpike: number,
): Errors {
  const errors: Errors = {};
  if (summary.trim() === '') errors['summary'] = 'Write a one-line summary.';
  const check = (template: DiscoveryTemplate, values: Answers, root: string) => {
    for (const s of template.sections) {
      const value = (values[s.id] ?? '').trim();
      const path = `${root}.${s.id}`;
      if (value === '') {
        if (isRequired(template, s)) errors[path] = `${s.heading} is required.`;
        continue;
      }
      if (TEMPLATE_SHAPES[template.id].sections[s.id]?.input === 'days') {
        const max = template.id === 'spike' ? maxSpike : 365;
        const days = Number(value);
        if (!/^\d+$/.test(value) || days < 1 || days > max) {
          errors[path] = `Whole days from 1 to ${max}.`;
        }
      }
    }
  };
  check(choice.template, answers, 'answers');
  if (attachment) check(attachment, pressRelease, 'pressRelease');
  if (choice.kind === 'enabler') {
    const days = (answers['timebox-days'] ?? '').trim();
    const date = (answers['target-date'] ?? '').trim();
    if (days === '' && date === '' && !errors['answers.timebox-days']) {
      errors['answers.timebox-days'] = 'Give a timebox in days or a target date.';
    } else if (days !== '' && date !== '') {
      errors['answers.target-date'] = 'Give a timebox in days or a target date, not both.';
    }
  }
  return errors;
}

function SectionField(props: {
  template: DiscoveryTemplate;
  section: TemplateSection;
  root: string;
  value: string;
  error: string | undefined;
  maxDays: number;
  onChange: (value: string) => void;
}) {
  const { template, section: s } = props;
  const id = useId();
  const input = TEMPLATE_SHAPES[template.id].sections[s.id]?.input ?? 'text';
  const required = isRequired(template, s);
  const described = [s.hint ? `${id}-hint` : '', props.error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    name: `${props.root}.${s.id}`,
    value: props.value,
    'aria-required': required || undefined,
    isInvalid: Boolean(props.error),
    'aria-describedby': described || undefined,
    testId: `ndi-${props.root}.${s.id}`,
  } as const;
  return (
    <div className="dt-ndi-field">
      <Label htmlFor={id}>{`${s.heading}${required ? '' : ' (optional)'}`}</Label>
      {s.hint && (
        <span id={`${id}-hint`} className="dt-ndi-hint">
          {s.hint}
        </span>
      )}
      {input === 'text' && (
        <TextArea
          {...common}
          minimumRows={2}
          maxLength={4000}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
      {input === 'days' && (
        <Textfield
          {...common}
          type="number"
          inputMode="numeric"
          min={1}
          max={props.maxDays}
          step={1}
          onChange={(e) => props.onChange(e.currentTarget.value)}
        />
      )}
      {input === 'date' && (
        <DateField
          id={id}
          name={common.name}
          value={props.value}
          isInvalid={Boolean(props.error)}
          describedBy={described || undefined}
          testId={common.testId}
          onChange={props.onChange}
        />
      )}
      {props.error && (
        <span id={`${id}-error`} className="dt-field-error" role="alert">
          {props.error}
        </span>
      )}
    </div>
  );
}

function Sections(props: {
  template: DiscoveryTemplate;
  root: 'answers' | 'pressRelease';
  values: Answers;
  errors: Errors;
  maxSpike: number;
  onChange: (id: string, value: string) => void;
}) {
  return (
    <>
      {props.template.sections.map((s) => (
        <SectionField
          key={`${props.template.id}-${s.id}`}
          template={props.template}
          section={s}
          root={props.root}
          value={props.values[s.id] ?? ''}
          error={props.errors[`${props.root}.${s.id}`]}
          maxDays={props.template.id === 'spike' ? props.maxSpike : 365}
          onChange={(v) => props.onChange(s.id, v)}
        />
      ))}
    </>
  );
}

function DialogBody(props: {
  api: DiscoveryItemApi;
  onClose: () => void;
  onCreated: () => void;
  onOpen: (issueKey: string) => void;
}) {
  const id = useId();
  const requestId = useRef(newRequestId());
  const loaded = useResolver(() => props.api.list(), [props.api]);
  const offer = loaded.state.kind === 'ready' ? loaded.state.data : null;
  const loadError = loaded.state.kind === 'error' ? loaded.state.error.message : null;
  const [picked, setTemplateId] = useState<string | null>(null);
  const templateId = picked ?? offer?.choices.find((c) => c.issueType)?.template.id ?? '';
  const [summary, setSummary] = useState('');
  const [answers, setAnswers] = useState<Answers>({});
  const [withPr, setWithPr] = useState(false);
  const [pressRelease, setPressRelease] = useState<Answers>({});
  const [errors, setErrors] = useState<Errors>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);

  const close = (label: string) => (
    <Button appearance="subtle" onClick={props.onClose}>
      {label}
    </Button>
  );
  if (loadError) {
    return (
      <Frame footer={close('Close')}>
        <SectionMessage appearance="error" title="The templates could not be loaded">
          <Text as="p">{loadError}</Text>
        </SectionMessage>
      </Frame>
    );
  }
  if (!offer) {
    return (
      <Frame footer={close('Cancel')}>
        <Spinner label="Loading the templates" />
      </Frame>
    );
  }

  if (created) {
    return (
      <Frame footer={close('Close')}>
        <Stack space="space.150" testId="ndi-created">
          <SectionMessage appearance="success" title={`${created.key} created`}>
            <Text as="p" testId="ndi-created-message">
              {localizeDates(created.message)}
            </Text>
          </SectionMessage>
          <a
            className="dt-ndi-link"
            href={`/browse/${encodeURIComponent(created.key)}`}
            data-testid="ndi-created-link"
            onClick={(e) => {
              e.preventDefault();
              props.onOpen(created.key);
            }}
          >
            Open {created.key}
          </a>
        </Stack>
      </Frame>
    );
  }

  const choice = offer.choices.find((c) => c.template.id === templateId);
  const attachment =
    choice?.kind === 'idea' && withPr
      ? offer.attachments.find((a) => TEMPLATE_SHAPES[a.id].attachesTo === choice.template.id)
      : undefined;
  const canAttach =
    choice !== undefined &&
    offer.attachments.some((a) => TEMPLATE_SHAPES[a.id].attachesTo === choice.template.id);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!choice) return;
    setProblem(null);
    const local = checkLocally(
      choice,
      summary,
      answers,
      attachment,
      pressRelease,
      offer.maxSpikeTimeboxDays,
    );
    setErrors(local);
    if (Object.keys(local).length > 0) return;
    const keep = (values: Answers, template: DiscoveryTemplate) =>
      Object.fromEntries(
        template.sections
          .map((s) => [s.id, (values[s.id] ?? '').trim()] as const)
          .filter(([, v]) => v !== ''),
      );
    setBusy(true);
    const result = await props.api.create({
      templateId: choice.template.id,
      summary: summary.trim(),
      answers: keep(answers, choice.template),
      ...(attachment ? { pressRelease: keep(pressRelease, attachment) } : {}),
      requestId: requestId.current,
    });
    setBusy(false);
    // A request Jira answered is done: the next submission is a new one. A lost answer (the
    // bridge failed) keeps the id, so that trying again cannot create the item twice.
    if (result.ok || result.error.code !== 'internal') requestId.current = newRequestId();
    if (!result.ok) {
      setErrors(fieldErrorsByPath(result.error));
      setProblem(result.error.message);
      return;
    }
    setCreated({ key: result.data.key, message: result.data.message });
    props.onCreated();
  };

  return (
    <form noValidate aria-label="New discovery item" onSubmit={(e) => void submit(e)}>
      <Frame
        footer={
          <>
            <Button appearance="subtle" onClick={props.onClose} isDisabled={busy}>
              Cancel
            </Button>
            <Button type="submit" appearance="primary" isDisabled={busy || !choice}>
              {busy ? 'Creating…' : 'Create'}
            </Button>
          </>
        }
      >
        <Stack space="space.150">
          <Fieldset legend="Template">
            <RadioGroup
              name={`${id}-template`}
              value={templateId}
              options={offer.choices.map((c) => ({
                name: `${id}-template`,
                value: c.template.id,
                isDisabled: !c.issueType,
                label: <ChoiceLabel choice={c} />,
              }))}
              onChange={(e) => {
                setTemplateId(e.currentTarget.value);
                setErrors({});
                setProblem(null);
              }}
            />
          </Fieldset>
          {choice && (
            <>
              <div className="dt-ndi-field">
                <Label htmlFor={`${id}-summary`}>Summary</Label>
                <Textfield
                  id={`${id}-summary`}
                  maxLength={255}
                  value={summary}
                  aria-required
                  isInvalid={Boolean(errors['summary'])}
                  aria-describedby={errors['summary'] ? `${id}-summary-error` : undefined}
                  testId="ndi-summary"
                  onChange={(e) => setSummary(e.currentTarget.value)}
                />
                {errors['summary'] && (
                  <span id={`${id}-summary-error`} className="dt-field-error" role="alert">
                    {errors['summary']}
                  </span>
                )}
              </div>
              <Sections
                template={choice.template}
                root="answers"
                values={answers}
                errors={errors}
                maxSpike={offer.maxSpikeTimeboxDays}
                onChange={(sid, v) => setAnswers((a) => ({ ...a, [sid]: v }))}
              />
              {canAttach && (
                <Checkbox
                  label="Add a working-backwards press release and FAQ (for larger ideas)"
                  isChecked={withPr}
                  onChange={(e) => setWithPr(e.target.checked)}
                />
              )}
              {attachment && (
                <div data-testid="ndi-press-release">
                  <Fieldset legend={attachment.name}>
                    <Stack space="space.100">
                      <Text as="p" color="color.text.subtle">
                        {attachment.description}
                      </Text>
                      <Sections
                        template={attachment}
                        root="pressRelease"
                        values={pressRelease}
                        errors={errors}
                        maxSpike={offer.maxSpikeTimeboxDays}
                        onChange={(sid, v) => setPressRelease((a) => ({ ...a, [sid]: v }))}
                      />
                    </Stack>
                  </Fieldset>
                </div>
              )}
            </>
          )}
          {problem && (
            <div data-testid="ndi-problem">
              <SectionMessage appearance="error" title="Nothing was created">
                <Text as="p">{problem}</Text>
              </SectionMessage>
            </div>
          )}
        </Stack>
      </Frame>
    </form>
  );
}

/** A template to choose: its name, what it is for and the issue type it creates. */
function ChoiceLabel(props: { choice: Choice }) {
  const c = props.choice;
  return (
    <span>
      <strong>{c.template.name}</strong>
      <span className="dt-ndi-hint">
        {' '}
        {c.issueType
          ? `${c.template.description} Creates ${/^[aeiou]/i.test(c.issueType.name) ? 'an' : 'a'} ${c.issueType.name}.`
          : `This project has no ${c.kind} issue type on the discovery track.`}
      </span>
    </span>
  );
}

/** The dialog's title, its content and the buttons at its foot. */
function Frame(props: { children: React.ReactNode; footer: React.ReactNode }) {
  return (
    <>
      <ModalHeader>
        <ModalTitle>New discovery item</ModalTitle>
      </ModalHeader>
      <ModalBody>{props.children}</ModalBody>
      <ModalFooter>{props.footer}</ModalFooter>
    </>
  );
}

/**
 * "New discovery item": a button that opens the design system's modal dialog (focus stays inside,
 * Escape closes it) to create an idea, a spike or an enabler from a template. The templates are
 * read each time it opens, so an admin's edit shows at once.
 */
export function NewDiscoveryItem(props: {
  api: DiscoveryItemApi;
  onCreated: () => void;
  onOpen: (issueKey: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const [session, setSession] = useState(0);
  return (
    <>
      <Button
        appearance="primary"
        testId="new-discovery-item"
        onClick={() => {
          setSession((s) => s + 1);
          setOpen(true);
        }}
      >
        New discovery item
      </Button>
      <ModalTransition>
        {open && (
          <Modal testId="ndi-dialog" width="medium" onClose={() => setOpen(false)}>
            <DialogBody
              key={session}
              api={props.api}
              onClose={() => setOpen(false)}
              onCreated={props.onCreated}
              onOpen={props.onOpen}
            />
          </Modal>
        )}
      </ModalTransition>
    </>
  );
}

/** One id per submission (the server answers a repeated one instead of creating again). */
function newRequestId(): string {
  return globalThis.crypto.randomUUID();
}

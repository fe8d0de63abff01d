import { fieldErrorsByPath } from '@ui/bridge-client';
import Button from '@atlaskit/button/new';
import Checkbox from '@atlaskit/checkbox';
import { Label } from '@atlaskit/form';
import Heading from '@atlaskit/heading';
import { Box, Inline, Stack, Text, xcss } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import Textfield from '@atlaskit/textfield';
import type { PayloadOf, Result, ResultOf } from '@contract/bridge-contract';
import { TemplatesStateSchema, type TemplatesStateView as View } from '@contract/templates-view';
import { useResolver } from '@ui/use-resolver';
import { TEMPLATE_SHAPES, type DiscoveryTemplate } from '@domain/discovery-templates';
import { useCallback, useEffect, useId, useState } from 'react';
import '@ui/form-controls.css';
import './templates-editor.css';

/** How the section talks to the backend: the contract's `templates/*` admin resolvers. */
export interface TemplatesApi {
  get: () => Promise<Result<View>>;
  save: (payload: PayloadOf<'templates/save'>) => Promise<Result<ResultOf<'templates/save'>>>;
  reset: (payload: PayloadOf<'templates/reset'>) => Promise<Result<ResultOf<'templates/reset'>>>;
}

type Banner =
  | { kind: 'saved'; text: string }
  | { kind: 'error'; title: string; text: string }
  | { kind: 'conflict'; text: string; current: View | null };

const boxStyles = xcss({
  borderColor: 'color.border',
  borderStyle: 'solid',
  borderWidth: 'border.width',
  borderRadius: 'radius.medium',
  padding: 'space.200',
});

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The current templates a conflict answer carries, if it carries them. */
function currentView(data: unknown): View | null {
  const parsed = TemplatesStateSchema.safeParse(data);
  return parsed.success ? parsed.data : null;
}

function TextInput(props: {
  label: string;
  value: string;
  path: string;
  error: string | undefined;
  maxLength: number;
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <div className="dt-tpl-field">
      <Label htmlFor={id}>{props.label}</Label>
      <Textfield
        id={id}
        maxLength={props.maxLength}
        value={props.value}
        testId={`tpl-${props.path}`}
        isInvalid={Boolean(props.error)}
        aria-describedby={props.error ? `${id}-error` : undefined}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      />
      {props.error && (
        <span id={`${id}-error`} className="dt-field-error" role="alert">
          {props.error}
        </span>
      )}
    </div>
  );
}

function TemplateBox(props: {
  template: DiscoveryTemplate;
  index: number;
  errors: Record<string, string>;
  onChange: (template: DiscoveryTemplate) => void;
}) {
  const { template: t, index } = props;
  const shape = TEMPLATE_SHAPES[t.id];
  const base = `templates.${index}`;
  const setSection = (i: number, patch: Partial<DiscoveryTemplate['sections'][number]>) =>
    props.onChange({
      ...t,
      sections: t.sections.map((s, j) => (j === i ? { ...s, ...patch } : s)),
    });
  return (
    <Box xcss={boxStyles} testId={`tpl-${t.id}`}>
      <fieldset className="dt-tpl-fieldset">
        <legend>
          <Heading size="xsmall" as="h3">
            {t.name}
          </Heading>
        </legend>
        <Stack space="space.100">
          <Text as="p" color="color.text.subtle">
            {shape.attachesTo
              ? `Added to an ${shape.attachesTo} when the person creating it asks for it.`
              : `Creates a${shape.kind === 'idea' || shape.kind === 'enabler' ? 'n' : ''} ${shape.kind} (the project's ${shape.kind} issue type on the discovery track).`}
          </Text>
          <TextInput
            label="Name"
            value={t.name}
            path={`${base}.name`}
            error={props.errors[`${base}.name`]}
            maxLength={60}
            onChange={(name) => props.onChange({ ...t, name })}
          />
          <TextInput
            label="Description"
            value={t.description}
            path={`${base}.description`}
            error={props.errors[`${base}.description`]}
            maxLength={300}
            onChange={(description) => props.onChange({ ...t, description })}
          />
          {t.sections.map((s, i) => {
            const own = shape.sections[s.id];
            const path = `${base}.sections.${i}`;
            return (
              <div key={s.id} className="dt-tpl-section" data-testid={`tpl-${t.id}-${s.id}`}>
                <TextInput
                  label={`Heading (${s.id})`}
                  value={s.heading}
                  path={`${path}.heading`}
                  error={props.errors[`${path}.heading`]}
                  maxLength={80}
                  onChange={(heading) => setSection(i, { heading })}
                />
                <TextInput
                  label="Hint"
                  value={s.hint}
                  path={`${path}.hint`}
                  error={props.errors[`${path}.hint`]}
                  maxLength={300}
                  onChange={(hint) => setSection(i, { hint })}
                />
                <Checkbox
                  label={`Required${own?.locked ? ' (always: it fills the scoped outcome)' : ''}${
                    own?.role === 'timeboxDays' || own?.role === 'targetDate'
                      ? ' (the bound: one of timebox or target date is always required)'
                      : ''
                  }`}
                  isChecked={s.required || own?.locked === true}
                  isDisabled={own?.locked === true}
                  testId={`tpl-${path}.required`}
                  onChange={(e) => setSection(i, { required: e.target.checked })}
                />
                {props.errors[`${path}.required`] && (
                  <span className="dt-field-error" role="alert">
                    {props.errors[`${path}.required`]}
                  </span>
                )}
              </div>
            );
          })}
        </Stack>
      </fieldset>
    </Box>
  );
}

/**
 * "Discovery templates" on the admin page: the words of the templates the project page's "New
 * discovery item" offers (names, headings, hints, which sections are required), saved as one
 * versioned record, or reset to the built-ins. They apply to every project: there are no project
 * overrides.
 */
export function TemplatesEditor({ api }: { api: TemplatesApi }) {
  const [view, setView] = useState<View | null>(null);
  const [draft, setDraft] = useState<DiscoveryTemplate[]>([]);
  const [banner, setBanner] = useState<Banner | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const take = useCallback((next: View) => {
    setView(next);
    setDraft(structuredClone(next.templates));
    setErrors({});
  }, []);

  const loaded = useResolver(() => api.get(), [api]);
  const loadError = loaded.state.kind === 'error' ? loaded.state.error.message : null;
  useEffect(() => {
    if (loaded.state.kind === 'ready') take(loaded.state.data);
  }, [loaded.state, take]);

  const answer = (result: Result<View>, savedText: string) => {
    if (result.ok) {
      take(result.data);
      setBanner({ kind: 'saved', text: `${savedText} Version ${result.data.version}.` });
      return;
    }
    if (result.error.code === 'conflict') {
      const details = isRecord(result.error.details) ? result.error.details : {};
      setBanner({
        kind: 'conflict',
        text: result.error.message,
        current: currentView(details['current']),
      });
      return;
    }
    setErrors(fieldErrorsByPath(result.error));
    setBanner({
      kind: 'error',
      title:
        result.error.code === 'invalid-input'
          ? 'Some values are not allowed'
          : 'The templates were not saved',
      text: result.error.message,
    });
  };

  const save = async () => {
    if (!view) return;
    setBusy(true);
    setBanner(null);
    const result = await api.save({ templates: draft, expectedVersion: view.version });
    setBusy(false);
    answer(result, 'Discovery templates saved.');
  };

  const reset = async () => {
    if (!view) return;
    setBusy(true);
    setBanner(null);
    const result = await api.reset({ expectedVersion: view.version });
    setBusy(false);
    answer(result, 'Discovery templates reset to the built-in ones.');
  };

  return (
    <Stack space="space.200" testId="templates-editor">
      <Stack space="space.050">
        <Heading size="medium" as="h2">
          Discovery templates
        </Heading>
        <Text as="p">
          What an idea, a spike and an enabler must say when someone creates one with &quot;New
          discovery item&quot; on a project page, and the working-backwards press release and FAQ a
          larger idea can carry. They apply to every project (no project overrides: they are the
          practice&apos;s shared language, read by the same gates everywhere). Sections cannot be
          added or removed; the ones that fill a spike&apos;s or an enabler&apos;s scoped outcome
          stay required.
        </Text>
      </Stack>
      {loadError && (
        <SectionMessage appearance="error" title="The templates could not be loaded">
          <Text as="p">{loadError}</Text>
        </SectionMessage>
      )}
      {!view && !loadError && <Spinner label="Loading the templates" />}
      {banner?.kind === 'saved' && (
        <div data-testid="templates-status">
          <SectionMessage appearance="success" title="Saved">
            <Text as="p">{banner.text}</Text>
          </SectionMessage>
        </div>
      )}
      {banner?.kind === 'error' && (
        <div data-testid="templates-status">
          <SectionMessage appearance="error" title={banner.title}>
            <Text as="p">{banner.text}</Text>
          </SectionMessage>
        </div>
      )}
      {banner?.kind === 'conflict' && (
        <div data-testid="templates-status">
          <SectionMessage appearance="warning" title="Someone else changed the templates">
            <Stack space="space.100">
              <Text as="p">{banner.text}</Text>
              {banner.current && (
                <Inline>
                  <Button
                    onClick={() => {
                      if (banner.current) take(banner.current);
                      setBanner(null);
                    }}
                  >
                    Load the current templates
                  </Button>
                </Inline>
              )}
            </Stack>
          </SectionMessage>
        </div>
      )}
      {view && (
        <>
          <Text as="p" color="color.text.subtle" testId="templates-version">
            {view.version === 0
              ? 'Nothing saved yet: these are the built-in templates.'
              : `Version ${view.version}${view.edited ? '' : ' (the built-in templates)'}.`}
          </Text>
          {draft.map((t, i) => (
            <TemplateBox
              key={t.id}
              template={t}
              index={i}
              errors={errors}
              onChange={(next) => setDraft((d) => d.map((x, j) => (j === i ? next : x)))}
            />
          ))}
          <Inline space="space.100">
            <Button
              appearance="primary"
              testId="templates-save"
              isDisabled={busy}
              onClick={() => void save()}
            >
              Save templates
            </Button>
            <Button testId="templates-reset" isDisabled={busy} onClick={() => void reset()}>
              Reset to built-in
            </Button>
          </Inline>
        </>
      )}
    </Stack>
  );
}

import Button from '@atlaskit/button/new';
import Checkbox from '@atlaskit/checkbox';
import { ErrorMessage, HelperMessage, Label } from '@atlaskit/form';
import Heading from '@atlaskit/heading';
import Link from '@atlaskit/link';
import Lozenge from '@atlaskit/lozenge';
import { Box, Inline, Stack, Text, xcss } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import Select from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import {
  allowedText,
  formatSetting,
  settingField,
  type SettingField,
} from '@contract/settings-fields';
import type { SettingsRevision } from '@contract/settings-view';
import type { SettingChange } from '@domain/config-changes';
import type { ReactNode } from 'react';
import type { DraftValue, FieldErrors } from './settings-draft';
import type { Banner, Conflict, SettingsEditor } from './settings-editor';
import { formatDateTime } from './dates';
import { PeoplePicker } from './PeoplePicker';

/**
 * The pieces both settings screens are made of: a row per setting (label, input, allowed range,
 * the value it falls back to, inline error, reset), the save answers, and the change history.
 */

const rowStyles = xcss({
  paddingBlock: 'space.150',
  borderBlockEndColor: 'color.border',
  borderBlockEndStyle: 'solid',
  borderBlockEndWidth: 'border.width',
});

const inputBox = xcss({ width: '28rem', maxWidth: '100%' });
const numberBox = xcss({ width: '8rem' });

export const inputId = (path: string) => `setting-${path.replace('.', '-')}`;

export interface SettingRowProps {
  field: SettingField;
  value: DraftValue;
  error?: string;
  /** What the setting falls back to: "Default: 3 interviews", "Global value: 3 interviews". */
  reference: string;
  /** Project page: whether the project overrides the setting. */
  status?: 'overridden' | 'inherited';
  canReset: boolean;
  /** The reset button's text: "Reset to default" (admin page), "Reset to inherited" (project). */
  resetLabel?: string;
  /** Project page: why the project's value of this setting is not in effect. */
  notInEffect?: string;
  onChange: (value: DraftValue) => void;
  onReset: () => void;
}

function SettingInput(props: SettingRowProps & { id: string; describedBy: string }) {
  const { field, value, id } = props;
  switch (field.kind) {
    case 'boolean':
      return (
        <Checkbox
          id={id}
          isChecked={value === true}
          aria-describedby={props.describedBy}
          isInvalid={Boolean(props.error)}
          onChange={(e) => props.onChange(e.currentTarget.checked)}
        />
      );
    case 'choice':
      return (
        <Box xcss={inputBox}>
          <Select
            inputId={id}
            options={field.options}
            value={field.options.find((o) => o.value === value) ?? null}
            onChange={(option) => option && props.onChange(option.value)}
            isSearchable={false}
            isInvalid={Boolean(props.error)}
          />
        </Box>
      );
    case 'list':
      if (field.picker) {
        return (
          <Box xcss={inputBox}>
            <PeoplePicker
              inputId={id}
              kind={field.picker}
              value={String(value)}
              onChange={props.onChange}
              isInvalid={Boolean(props.error)}
              describedBy={props.describedBy}
            />
          </Box>
        );
      }
      return (
        <Box xcss={inputBox}>
          <Textfield
            id={id}
            name={field.path}
            value={String(value)}
            isInvalid={Boolean(props.error)}
            aria-describedby={props.describedBy}
            onChange={(e) => props.onChange(e.currentTarget.value)}
          />
        </Box>
      );
    case 'integer':
    case 'number':
      return (
        <Inline space="space.100" alignBlock="center">
          <Box xcss={numberBox}>
            <Textfield
              id={id}
              name={field.path}
              value={String(value)}
              type="number"
              step={field.step ?? 1}
              isInvalid={Boolean(props.error)}
              aria-describedby={props.describedBy}
              onChange={(e) => props.onChange(e.currentTarget.value)}
            />
          </Box>
          <Text color="color.text.subtle">{field.unit}</Text>
        </Inline>
      );
  }
}

export function SettingRow(props: SettingRowProps) {
  const { field } = props;
  const id = inputId(field.path);
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const allowed = allowedText(field);
  return (
    <Box xcss={rowStyles} testId={`setting-${field.path}`}>
      <Stack space="space.075">
        <Inline space="space.100" alignBlock="center" shouldWrap>
          <Label htmlFor={id}>{field.label}</Label>
          {props.status && (
            <Lozenge
              appearance={props.status === 'overridden' ? 'inprogress' : 'default'}
              testId={`setting-${field.path}-status`}
            >
              {props.status === 'overridden' ? 'Overridden' : 'Inherited'}
            </Lozenge>
          )}
          {props.notInEffect && (
            <Lozenge appearance="moved" testId={`setting-${field.path}-not-in-effect`}>
              Not in effect
            </Lozenge>
          )}
        </Inline>
        <Inline space="space.200" alignBlock="center" shouldWrap>
          <SettingInput
            {...props}
            id={id}
            describedBy={props.error ? `${errorId} ${helpId}` : helpId}
          />
          <Button
            appearance="subtle"
            isDisabled={!props.canReset}
            onClick={props.onReset}
            testId={`setting-${field.path}-reset`}
            aria-label={`${props.resetLabel ?? 'Reset to default'}: ${field.label}`}
          >
            {props.resetLabel ?? 'Reset to default'}
          </Button>
        </Inline>
        {props.error && (
          <div id={errorId} data-testid={`setting-${field.path}-error`}>
            <ErrorMessage>{`${props.error} ${allowed}`.trim()}</ErrorMessage>
          </div>
        )}
        {props.notInEffect && (
          <Text as="p" color="color.text.warning">
            {props.notInEffect}
          </Text>
        )}
        <div id={helpId}>
          <HelperMessage>
            {`${field.help} ${allowed} ${props.reference}.`.replace(/\s+/g, ' ')}
          </HelperMessage>
        </div>
      </Stack>
    </Box>
  );
}

export function SaveBanner(props: {
  banner: Banner | null;
  savedText: (version: number) => string;
}) {
  const { banner } = props;
  return (
    <div role="status" aria-live="polite" data-testid="save-status">
      {banner?.kind === 'saved' && (
        <SectionMessage appearance="success" title="Settings saved">
          <Text as="p">{props.savedText(banner.version)}</Text>
        </SectionMessage>
      )}
      {banner?.kind === 'reapplied' && (
        <SectionMessage appearance="information" title="Your changes are back in the form">
          <Text as="p">
            {`They are applied over version ${banner.version}, the one saved meanwhile. Review them and save.`}
          </Text>
        </SectionMessage>
      )}
      {banner?.kind === 'error' && (
        <SectionMessage
          appearance="error"
          title={
            banner.error.code === 'forbidden'
              ? 'You do not have permission to change these settings'
              : 'The settings could not be saved'
          }
        >
          <Text as="p">{banner.error.message}</Text>
        </SectionMessage>
      )}
    </div>
  );
}

export function ConflictMessage<V>(props: {
  conflict: Conflict<V>;
  /** The current value of a setting in the other save, as text. */
  valueIn: (view: V, path: string) => string;
  onReapply: () => void;
  onTakeCurrent: () => void;
}) {
  const { conflict } = props;
  return (
    <SectionMessage
      appearance="warning"
      title="Someone else saved these settings while you were editing"
      testId="settings-conflict"
    >
      <Stack space="space.100">
        <Text as="p">{conflict.message}</Text>
        {conflict.changed.length > 0 && (
          <Box as="ul">
            {conflict.changed.map((path) => (
              <li key={path}>
                <Text>
                  {`${settingField(path)?.label ?? path}: now ${props.valueIn(conflict.current, path)}`}
                </Text>
              </li>
            ))}
          </Box>
        )}
        <Inline space="space.100">
          <Button appearance="primary" onClick={props.onReapply}>
            Re-apply my changes
          </Button>
          <Button onClick={props.onTakeCurrent}>Discard mine, show theirs</Button>
        </Inline>
      </Stack>
    </SectionMessage>
  );
}

/** The save and discard buttons of a form. */
export function FormActions(props: { busy: boolean; dirty: boolean; onDiscard: () => void }) {
  return (
    <Inline space="space.100" alignBlock="center">
      <Button type="submit" appearance="primary" isLoading={props.busy} testId="settings-save">
        Save settings
      </Button>
      <Button appearance="subtle" isDisabled={!props.dirty} onClick={props.onDiscard}>
        Discard changes
      </Button>
      {props.dirty && <Text color="color.text.subtle">Unsaved changes</Text>}
    </Inline>
  );
}

/**
 * The problems the form has now, next to the save button: how many settings need a fix, each a
 * link to its field. After a refused save it says that nothing was saved.
 */
export function ErrorSummary(props: { errors: FieldErrors; afterSave: boolean }) {
  const paths = Object.keys(props.errors).filter((p) => p !== '');
  const general = props.errors[''];
  if (paths.length === 0 && !general) return null;
  const count = paths.length === 1 ? '1 setting needs' : `${paths.length} settings need`;
  return (
    <SectionMessage
      appearance="error"
      title={props.afterSave ? 'Some values are not allowed' : `${count} a fix before saving`}
      testId="settings-error-summary"
    >
      <Stack space="space.100">
        {props.afterSave && (
          <Text as="p">Nothing was saved. Fix these settings and save again.</Text>
        )}
        {general && <Text as="p">{general}</Text>}
        {paths.length > 0 && (
          <Box as="ul">
            {paths.map((path) => (
              <li key={path}>
                <Link href={`#${inputId(path)}`}>{settingField(path)?.label ?? path}</Link>
                <Text>{`: ${props.errors[path] ?? ''}`}</Text>
              </li>
            ))}
          </Box>
        )}
      </Stack>
    </SectionMessage>
  );
}

/** A form around the rows: submits with Enter or the save button, never natively validated. */
export function SettingsFormShell<V extends { version: number }>(props: {
  label: string;
  editor: SettingsEditor<V>;
  children: ReactNode;
}) {
  const { editor } = props;
  return (
    <form
      aria-label={props.label}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void editor.save();
      }}
    >
      <Stack space="space.200">
        {props.children}
        <div role="alert" data-testid="settings-save-problems">
          <ErrorSummary errors={editor.errors} afterSave={editor.banner?.kind === 'invalid'} />
        </div>
        <FormActions busy={editor.busy} dirty={editor.dirty} onDiscard={editor.discard} />
      </Stack>
    </form>
  );
}

const changeText = (change: SettingChange, unset: string) => {
  const field = settingField(change.path);
  const show = (v: SettingChange['from']) => (v === null ? unset : formatSetting(field, v));
  return `${field?.label ?? change.path}: ${show(change.from)} → ${show(change.to)}`;
};

/** The last changes, newest first: version, when, who, old → new per setting. */
export function HistoryList(props: {
  history: readonly SettingsRevision[];
  /** How a value the record does not hold reads (a project's "inherited"). */
  unset: string;
}) {
  return (
    <Box
      as="section"
      id="settings-history"
      aria-labelledby="settings-history-heading"
      testId="settings-history"
    >
      <Stack space="space.100">
        <Heading size="small" as="h2" id="settings-history-heading">
          Recent changes
        </Heading>
        {props.history.length === 0 ? (
          <Text as="p">No changes saved yet.</Text>
        ) : (
          <Box as="ol">
            {props.history.map((rev) => (
              <li key={rev.version} data-testid={`history-${rev.version}`}>
                <Text as="p" weight="medium">
                  {`Version ${rev.version} · ${formatDateTime(rev.at)} · by ${rev.byYou ? 'you' : rev.byName}`}
                </Text>
                <Box as="ul">
                  {rev.changes.length === 0 ? (
                    <li>
                      <Text>Saved without changes</Text>
                    </li>
                  ) : (
                    rev.changes.map((c) => (
                      <li key={c.path}>
                        <Text>{changeText(c, props.unset)}</Text>
                      </li>
                    ))
                  )}
                </Box>
              </li>
            ))}
          </Box>
        )}
      </Stack>
    </Box>
  );
}

/**
 * Overrides the global settings leave out of effect: each with what is not in effect, why and
 * what applies instead; on the admin page grouped by project.
 */
export function NotInEffectMessage(props: {
  title: string;
  intro: string;
  items: ReadonlyArray<{ key: string; text: string }>;
}) {
  if (props.items.length === 0) return null;
  return (
    <SectionMessage appearance="warning" title={props.title} testId="settings-not-in-effect">
      <Stack space="space.100">
        <Text as="p">{props.intro}</Text>
        <Box as="ul">
          {props.items.map((item) => (
            <li key={item.key}>
              <Text>{item.text}</Text>
            </li>
          ))}
        </Box>
      </Stack>
    </SectionMessage>
  );
}

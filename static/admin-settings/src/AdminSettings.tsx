import Heading from '@atlaskit/heading';
import { Box, Inline, Stack, Text, xcss } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import type { PayloadOf, Result } from '@contract/bridge-contract';
import { formatSetting, settingAt, settingField } from '@contract/settings-fields';
import { GlobalSettingsViewSchema, type GlobalSettingsView } from '@contract/settings-view';
import { checkSettings, draftOf, toDraftValue } from '@ui/settings-draft';
import { useSettingsEditor } from '@ui/settings-editor';
import {
  ConflictMessage,
  HistoryList,
  NotInEffectMessage,
  SaveBanner,
  SettingRow,
  SettingsFormShell,
} from '@ui/SettingsForm';
import { SettingSections } from '@ui/SettingSections';
import type { ReactNode } from 'react';
import { formatPeople, PeopleContext, type PeopleApi } from '@ui/PeoplePicker';

/** How the page talks to the backend: the contract's `settings/global/*` resolvers. */
export interface AdminSettingsApi {
  get: () => Promise<Result<unknown>>;
  save: (payload: PayloadOf<'settings/global/save'>) => Promise<Result<unknown>>;
  /** Users and groups by name, for the lead engineer pickers. */
  people: PeopleApi['search'];
}

/** The admin page's parts after the settings (main.tsx wraps each in a PageSection). */
export const ADMIN_PARTS = [
  { id: 'admin-templates', title: 'Discovery templates' },
  { id: 'admin-data-transfer', title: 'Export / import' },
] as const;

const pageStyles = xcss({ maxWidth: '56rem', minHeight: '100vh' });

const parse = (data: unknown): GlobalSettingsView | null => {
  const parsed = GlobalSettingsViewSchema.safeParse(data);
  return parsed.success ? parsed.data : null;
};

/**
 * The admin page (`jira:adminPage`, the app's Configure page): the global settings every project
 * inherits, for Jira admins.
 */
export function AdminSettings({ api, children }: { api: AdminSettingsApi; children?: ReactNode }) {
  const editor = useSettingsEditor<GlobalSettingsView>({
    load: api.get,
    parse,
    draftOf: (view) => draftOf(view.settings),
    prepare: (draft, view) => {
      const checked = checkSettings(draft);
      return checked.ok
        ? {
            ok: true,
            value: () => api.save({ settings: checked.value, expectedVersion: view.version }),
          }
        : checked;
    },
    root: 'settings',
    savedFlag: (saved) => {
      const projects = saved.overridesNotInEffect.map((o) => o.projectKey);
      return projects.length === 0
        ? {
            type: 'success',
            title: 'Settings saved',
            description: `Version ${saved.version} is in effect for every project that does not override it.`,
          }
        : {
            type: 'warning',
            title: 'Settings saved; some project overrides are not in effect',
            description: `Version ${saved.version} is saved. With it, part of the overrides of ${projects.join(', ')} breaks a rule and follows the global values instead; see the list on this page.`,
          };
    },
  });
  const { view } = editor;

  return (
    <Box as="main" padding="space.300" backgroundColor="elevation.surface" xcss={pageStyles}>
      <Stack space="space.300">
        <Stack space="space.100">
          <Heading size="large" as="h1">
            Dual Track settings
          </Heading>
          <Text as="p">
            The practice&apos;s thresholds for every project. Project admins can override any of
            them for their project in Project settings → Dual Track.
          </Text>
        </Stack>
        {editor.loadError && (
          <SectionMessage
            appearance="error"
            title={
              editor.loadError.code === 'forbidden'
                ? 'Only Jira admins can see these settings'
                : 'The settings could not be loaded'
            }
          >
            <Text as="p">{editor.loadError.message}</Text>
          </SectionMessage>
        )}
        {!view && !editor.loadError && (
          <Inline space="space.100" alignBlock="center">
            <Spinner size="medium" label="Loading the settings" />
            <Text>Loading the settings…</Text>
          </Inline>
        )}
        {view && (
          <>
            <SaveBanner
              banner={editor.banner}
              savedText={(version) =>
                `Version ${version} is in effect for every project that does not override it.`
              }
            />
            {editor.conflict && (
              <ConflictMessage
                conflict={editor.conflict}
                valueIn={(current, path) =>
                  formatSetting(settingField(path), settingAt(current.settings, path) ?? null)
                }
                onReapply={editor.reapplyMine}
                onTakeCurrent={editor.takeCurrent}
              />
            )}
            <NotInEffectMessage
              title="Some project overrides are not in effect"
              intro="With the current global settings these projects' overrides break a rule, so those settings follow the global values until a project admin changes or resets them in Project settings → Dual Track:"
              items={view.overridesNotInEffect.flatMap((project) =>
                project.notInEffect.map((part) => ({
                  key: `${project.projectKey} ${part.paths.join(' ')}`,
                  text: `${project.projectKey}: ${part.message}`,
                })),
              )}
            />
            <PeopleContext.Provider value={{ search: api.people, names: view.people }}>
              <SettingsFormShell label="Global settings" editor={editor}>
                <Text as="p" color="color.text.subtle">
                  {view.version === 0
                    ? 'Nothing saved yet: these are the practice’s defaults.'
                    : `Version ${view.version}.`}
                </Text>
                <SettingSections
                  errors={editor.errors}
                  more={[{ id: 'settings-history', title: 'Recent changes' }, ...ADMIN_PARTS]}
                  row={(field) => {
                    const fallback = settingAt(view.defaults, field.path);
                    const defaultValue = toDraftValue(field, fallback);
                    const value = editor.draft[field.path] ?? defaultValue;
                    return (
                      <SettingRow
                        field={field}
                        value={value}
                        error={editor.errors[field.path]}
                        reference={`Default: ${formatPeople(field, fallback ?? null, view.people)}`}
                        canReset={value !== defaultValue}
                        onChange={(v) => editor.update(field.path, v)}
                        onReset={() => editor.update(field.path, defaultValue)}
                      />
                    );
                  }}
                />
              </SettingsFormShell>
            </PeopleContext.Provider>
            <HistoryList history={view.history} unset="not set" />
          </>
        )}
        {/* Further admin sections (export / import), unless the caller is not a Jira admin. */}
        {editor.loadError?.code !== 'forbidden' && children}
      </Stack>
    </Box>
  );
}

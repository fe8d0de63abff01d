import Heading from '@atlaskit/heading';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import type { PayloadOf, Result } from '@contract/bridge-contract';
import { SETTING_FIELDS, formatSetting, settingAt, settingField } from '@contract/settings-fields';
import { ProjectSettingsViewSchema, type ProjectSettingsView } from '@contract/settings-view';
import { checkOverride, draftOf, isInheritedValue, toDraftValue } from '@ui/settings-draft';
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
import { formatPeople, PeopleContext, type PeopleApi } from '@ui/PeoplePicker';

/** How the overrides talk to the backend: the contract's `settings/project/*` resolvers. */
export interface ProjectOverridesApi {
  get: () => Promise<Result<unknown>>;
  save: (payload: PayloadOf<'settings/project/save'>) => Promise<Result<unknown>>;
  /** Users and groups by name, for the lead engineer pickers. */
  people: PeopleApi['search'];
}

const parse = (data: unknown): ProjectSettingsView | null => {
  const parsed = ProjectSettingsViewSchema.safeParse(data);
  return parsed.success ? parsed.data : null;
};

/**
 * This project's settings: every setting shows the global value it inherits, or the project's
 * own value (overridden), which "Reset to inherited" takes back to the inherited one. A value
 * typed equal to the inherited one shows (and saves) as inherited.
 */
export function ProjectOverrides({ api }: { api: ProjectOverridesApi }) {
  const editor = useSettingsEditor<ProjectSettingsView>({
    load: api.get,
    parse,
    draftOf: (view) => draftOf(view.override),
    prepare: (draft, view) => {
      const checked = checkOverride(draft, view.inherited);
      return checked.ok
        ? {
            ok: true,
            value: () => api.save({ override: checked.value, expectedVersion: view.version }),
          }
        : checked;
    },
    root: 'override',
    savedFlag: (saved) => ({
      type: 'success',
      title: 'Project settings saved',
      description: `Version ${saved.version} of ${saved.project.key}'s overrides is in effect.`,
    }),
  });
  const { view } = editor;
  /** Whether the draft overrides a setting: it holds a value other than the inherited one. */
  const overrides = (path: string): boolean => {
    const own = editor.draft[path];
    const field = settingField(path);
    return own !== undefined && !!field && !!view && !isInheritedValue(field, own, view.inherited);
  };

  return (
    <Box as="section" aria-labelledby="project-settings-heading" testId="project-overrides">
      <Stack space="space.200">
        <Heading size="medium" as="h2" id="project-settings-heading">
          Settings for this project
        </Heading>
        <Text as="p">
          Each setting follows the global value a Jira admin set, unless this project overrides it.
        </Text>
        {editor.loadError && (
          <SectionMessage
            appearance="error"
            title={
              editor.loadError.code === 'forbidden'
                ? 'Only project admins can see these settings'
                : 'The settings could not be loaded'
            }
          >
            <Text as="p">{editor.loadError.message}</Text>
          </SectionMessage>
        )}
        {!view && !editor.loadError && (
          <Inline space="space.100" alignBlock="center">
            <Spinner size="medium" label="Loading the project settings" />
            <Text>Loading the project settings…</Text>
          </Inline>
        )}
        {view && (
          <>
            <SaveBanner
              banner={editor.banner}
              savedText={(version) =>
                `Version ${version} of ${view.project.key}'s overrides is in effect.`
              }
            />
            {editor.conflict && (
              <ConflictMessage
                conflict={editor.conflict}
                valueIn={(current, path) => {
                  const own = settingAt(current.override, path);
                  return own === undefined ? 'inherited' : formatSetting(settingField(path), own);
                }}
                onReapply={editor.reapplyMine}
                onTakeCurrent={editor.takeCurrent}
              />
            )}
            <NotInEffectMessage
              title="Part of this project's overrides is not in effect"
              intro="The global settings changed since these overrides were saved, and together they break a rule. Until you change or reset the override, the project uses the global value:"
              items={view.notInEffect.map((part) => ({
                key: part.paths.join(' '),
                text: part.message,
              }))}
            />
            <PeopleContext.Provider value={{ search: api.people, names: view.people }}>
              <SettingsFormShell label="Project settings" editor={editor}>
                <SettingSections
                  errors={editor.errors}
                  more={[
                    { id: 'settings-history', title: 'Recent changes' },
                    { id: 'waivers-audit', title: 'Waivers and audit log' },
                  ]}
                  note={(section) => {
                    const n = SETTING_FIELDS.filter(
                      (f) => f.path.startsWith(`${section}.`) && overrides(f.path),
                    ).length;
                    return n > 0 ? `${n} overridden` : undefined;
                  }}
                  row={(field) => {
                    const inherited = settingAt(view.inherited, field.path);
                    const own = editor.draft[field.path];
                    const overridden = overrides(field.path);
                    const notInEffect = view.notInEffect.find((part) =>
                      part.paths.includes(field.path),
                    );
                    return (
                      <SettingRow
                        field={field}
                        value={own ?? toDraftValue(field, inherited)}
                        error={editor.errors[field.path]}
                        reference={`Global value: ${formatPeople(field, inherited ?? null, view.people)}`}
                        status={overridden ? 'overridden' : 'inherited'}
                        canReset={own !== undefined}
                        resetLabel="Reset to inherited"
                        {...(notInEffect ? { notInEffect: notInEffect.message } : {})}
                        onChange={(v) => editor.update(field.path, v)}
                        onReset={() => editor.update(field.path, undefined)}
                      />
                    );
                  }}
                />
              </SettingsFormShell>
            </PeopleContext.Provider>
            <HistoryList history={view.history} unset="inherited" />
          </>
        )}
      </Stack>
    </Box>
  );
}

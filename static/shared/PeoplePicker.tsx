import { AsyncSelect } from '@atlaskit/select';
import type { Result } from '@contract/bridge-contract';
import type { SettingField } from '@contract/settings-fields';
import { formatSetting } from '@contract/settings-fields';
import type { PeopleFound, PeopleNames } from '@contract/settings-view';
import type { SettingValue } from '@domain/config-changes';
import { createContext, useContext, useRef, useState } from 'react';

/**
 * The lead engineer pickers of the settings forms: people or groups found by name in Jira (the
 * page's `settings/…/people` resolver), shown by name and stored by account id or group id in
 * the draft's comma-separated text. Ids already saved are shown by the names the settings view
 * brought along (`people`), or as ids when Jira named nobody.
 */

export interface PeopleApi {
  search: (query: string) => Promise<Result<PeopleFound>>;
  names: PeopleNames;
}

/** Provided by a settings page around its form; without it a picker finds nobody. */
export const PeopleContext = createContext<PeopleApi | null>(null);

interface PersonOption {
  value: string;
  label: string;
}

const idsOf = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** Milliseconds of quiet typing before a search is sent. */
const DEBOUNCE_MS = 250;

/** A setting's value in words, people and groups by name where known. */
export function formatPeople(
  field: SettingField,
  value: SettingValue | null,
  names: PeopleNames | undefined,
): string {
  if (field.kind !== 'list' || !field.picker || !Array.isArray(value) || value.length === 0) {
    return formatSetting(field, value);
  }
  const known = field.picker === 'user' ? names?.users : names?.groups;
  return value.map((id) => known?.[id] ?? id).join(', ');
}

export function PeoplePicker(props: {
  inputId: string;
  kind: 'user' | 'group';
  /** The draft's text: ids separated by commas. */
  value: string;
  onChange: (value: string) => void;
  isInvalid: boolean;
  describedBy: string;
}) {
  const api = useContext(PeopleContext);
  const [picked, setPicked] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const known = props.kind === 'user' ? api?.names.users : api?.names.groups;
  const value = idsOf(props.value).map((id) => ({
    value: id,
    label: picked[id] ?? known?.[id] ?? id,
  }));

  const search = async (query: string): Promise<PersonOption[]> => {
    if (!api) return [];
    const found = await api.search(query);
    if (!found.ok) {
      setProblem(found.error.message);
      return [];
    }
    setProblem(null);
    return props.kind === 'user'
      ? found.data.users.map((u) => ({ value: u.accountId, label: u.name }))
      : found.data.groups.map((g) => ({ value: g.groupId, label: g.name }));
  };
  const loadOptions = (input: string): Promise<PersonOption[]> => {
    clearTimeout(timer.current);
    const query = input.trim();
    if (query.length === 0) return Promise.resolve([]);
    return new Promise((resolve) => {
      timer.current = setTimeout(() => {
        search(query).then(resolve, () => resolve([]));
      }, DEBOUNCE_MS);
    });
  };

  return (
    <div data-testid={`picker-${props.inputId}`}>
      <AsyncSelect<PersonOption, true>
        inputId={props.inputId}
        isMulti
        cacheOptions
        defaultOptions={false}
        loadOptions={loadOptions}
        value={value}
        onChange={(options) => {
          setPicked((before) => ({
            ...before,
            ...Object.fromEntries(options.map((o) => [o.value, o.label])),
          }));
          props.onChange(options.map((o) => o.value).join(', '));
        }}
        placeholder={props.kind === 'user' ? 'Type a name to find people' : 'Type to find groups'}
        noOptionsMessage={({ inputValue }) =>
          problem ??
          (inputValue.trim().length === 0
            ? props.kind === 'user'
              ? 'Type a name to find people'
              : 'Type part of a group name'
            : props.kind === 'user'
              ? 'Nobody found by that name'
              : 'No group found by that name')
        }
        isInvalid={props.isInvalid}
        descriptionId={props.describedBy}
      />
    </div>
  );
}

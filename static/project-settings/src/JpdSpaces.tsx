import { useEffect, useState } from 'react';
import Button from '@atlaskit/button/new';
import Checkbox from '@atlaskit/checkbox';
import Heading from '@atlaskit/heading';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import type { PayloadOf, Result } from '@contract/bridge-contract';
import {
  JpdSpacesViewSchema,
  ProjectSettingsViewSchema,
  type JpdSpacesView,
  type ProjectSettingsView,
} from '@contract/settings-view';

/**
 * The Jira Product Discovery spaces whose ideas are on this project's discovery track: picked
 * from the spaces the admin can browse, saved as the project's `jpd.spaceKeys` setting with the
 * rest of its overrides as they are; and what the app found of JPD's shapes on the site.
 */

export interface JpdSpacesApi {
  spaces: () => Promise<Result<unknown>>;
  get: () => Promise<Result<unknown>>;
  save: (payload: PayloadOf<'settings/project/save'>) => Promise<Result<unknown>>;
}

function foundText(found: JpdSpacesView['found']): string[] {
  const link = found.linkType
    ? `Delivery link type: "${found.linkType.name}" (${found.linkType.outward} / ${found.linkType.inward}). Delivery items linked to an idea with it count as from that idea.`
    : 'Delivery link type: none found ("Polaris work item link" or "Polaris issue link"). Until JPD creates it, only the app\'s own links count.';
  const insights = found.insightsField
    ? `Insights field: "${found.insightsField.name}" (${found.insightsField.id}).`
    : "Insights field: none found. Jira's REST API does not show JPD insights; the app's evidence log decides validation.";
  return [link, insights];
}

const sameKeys = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((k) => b.includes(k));

export function JpdSpaces({ api, onSaved }: { api: JpdSpacesApi; onSaved?: () => void }) {
  const [spaces, setSpaces] = useState<JpdSpacesView | null>(null);
  const [view, setView] = useState<ProjectSettingsView | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [saving, setSaving] = useState(false);

  const load = async (): Promise<void> => {
    const [s, v] = await Promise.all([api.spaces(), api.get()]);
    const parsedSpaces = s.ok ? JpdSpacesViewSchema.safeParse(s.data) : undefined;
    const parsedView = v.ok ? ProjectSettingsViewSchema.safeParse(v.data) : undefined;
    if (!parsedSpaces?.success || !parsedView?.success) {
      setMessage({
        ok: false,
        text: 'The discovery spaces could not be read. Reload to try again.',
      });
      return;
    }
    setSpaces(parsedSpaces.data);
    setView(parsedView.data);
    setChosen(parsedView.data.override.jpd?.spaceKeys ?? []);
  };
  useEffect(() => {
    void load();
    // Loaded once when the page opens.
  }, []);

  const saved = view?.override.jpd?.spaceKeys ?? [];
  const save = async (): Promise<void> => {
    if (!view) return;
    setSaving(true);
    const result = await api.save({
      override: { ...view.override, jpd: { spaceKeys: chosen } },
      expectedVersion: view.version,
    });
    setSaving(false);
    setMessage(
      result.ok
        ? {
            ok: true,
            text: 'Discovery spaces saved: the project page shows their ideas from its next load.',
          }
        : { ok: false, text: result.error.message },
    );
    if (result.ok) {
      await load();
      onSaved?.();
    }
  };
  const toggle = (key: string) =>
    setChosen((keys) => (keys.includes(key) ? keys.filter((k) => k !== key) : [...keys, key]));

  return (
    <Box as="section" aria-labelledby="jpd-spaces-heading" testId="jpd-spaces">
      <Stack space="space.150">
        <Heading size="medium" as="h2" id="jpd-spaces-heading">
          Jira Product Discovery spaces
        </Heading>
        <Text as="p">
          The open ideas of the spaces you connect are on this project&apos;s discovery track, for
          each viewer who may browse the space.
        </Text>
        {spaces && spaces.spaces.length === 0 && (
          <Text as="p">You can browse no Jira Product Discovery space on this site.</Text>
        )}
        <Stack space="space.050">
          {(spaces?.spaces ?? []).map((s) => (
            <Checkbox
              key={s.key}
              label={`${s.name} (${s.key})`}
              isChecked={chosen.includes(s.key)}
              isDisabled={saving}
              onChange={() => toggle(s.key)}
              testId={`jpd-space-${s.key}`}
            />
          ))}
        </Stack>
        {spaces?.more && (
          <Text as="p" size="small">
            You can browse more spaces than are listed here: the first 50 are.
          </Text>
        )}
        {spaces && (
          <Box testId="jpd-spaces-found">
            <Heading size="small" as="h3">
              What the app found on this site
            </Heading>
            {foundText(spaces.found).map((line) => (
              <Text as="p" key={line}>
                {line}
              </Text>
            ))}
          </Box>
        )}
        <Inline space="space.100">
          <Button
            appearance="primary"
            onClick={() => void save()}
            isDisabled={!view || saving || sameKeys(chosen, saved)}
            testId="jpd-spaces-save"
          >
            Connect these spaces
          </Button>
        </Inline>
        {message && (
          <SectionMessage appearance={message.ok ? 'success' : 'error'} testId="jpd-spaces-message">
            <Text as="p">{message.text}</Text>
          </SectionMessage>
        )}
      </Stack>
    </Box>
  );
}

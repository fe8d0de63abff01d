import '@ui/zod-config';
import { useState } from 'react';
import { Box, Stack } from '@atlaskit/primitives';
import { callResolver } from '@ui/bridge-client';
import { mount } from '@ui/mount';
import '@ui/page.css';
import { BoardPicker, type BoardPickerApi } from '@ui/BoardPicker';
import { ProjectOverrides, type ProjectOverridesApi } from './ProjectOverrides';
import { SetupPanel, type SetupApi } from './SetupPanel';
import { WaiversAndAudit, type WaiversApi } from './WaiversAndAudit';

/**
 * The project settings page (`jira:projectSettingsPage`): setting up Dual Track, the board the
 * signals read, this project's overrides of the global settings, then its waivers and audit log.
 */
const setupApi: SetupApi = {
  status: () => callResolver('setup/status', {}),
  run: (payload) => callResolver('setup/run', payload),
};

const overridesApi: ProjectOverridesApi = {
  get: () => callResolver('settings/project/get', {}),
  save: (payload) => callResolver('settings/project/save', payload),
  people: (query) => callResolver('settings/project/people', { query }),
};

const boardApi: BoardPickerApi = {
  boards: () => callResolver('settings/project/boards', {}),
  get: overridesApi.get,
  save: overridesApi.save,
};

/** The board picker and the overrides, which load again after the board is saved. */
function BoardAndOverrides() {
  const [generation, setGeneration] = useState(0);
  return (
    <>
      <BoardPicker api={boardApi} onSaved={() => setGeneration((g) => g + 1)} />
      <ProjectOverrides key={generation} api={overridesApi} />
    </>
  );
}

const waiversApi: WaiversApi = {
  list: () => callResolver('waiver/list', {}),
  grant: (payload) => callResolver('waiver/grant', payload),
  revoke: (payload) => callResolver('waiver/revoke', payload),
  audit: (payload) => callResolver('audit/list', payload),
};

mount(
  <Box as="main" padding="space.300" backgroundColor="elevation.surface">
    <Stack space="space.500">
      <SetupPanel api={setupApi} />
      <BoardAndOverrides />
      <WaiversAndAudit api={waiversApi} />
    </Stack>
  </Box>,
).catch((error: unknown) => console.error('Dual Track: the settings page failed to start', error));

import { useEffect, useState } from 'react';
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import type { PayloadOf, Result } from '@contract/bridge-contract';
import {
  ProjectBoardsSchema,
  ProjectSettingsViewSchema,
  type ProjectBoards,
  type ProjectSettingsView,
} from '@contract/settings-view';
import { ChoiceSelect } from '@ui/ChoiceSelect';

/**
 * Which board this project's signals read: the first Scrum board (the default) or one the admin
 * picks from the boards that show the project. A Kanban board (or a team-managed one without
 * sprints) gives runway in weeks of throughput and capacity on work in progress. Saved as the
 * project's `board.boardId` setting, with the rest of its overrides as they are.
 */

export interface BoardPickerApi {
  boards: () => Promise<Result<unknown>>;
  get: () => Promise<Result<unknown>>;
  save: (payload: PayloadOf<'settings/project/save'>) => Promise<Result<unknown>>;
}

const FLOW_TEXT: Record<ProjectBoards['boards'][number]['flow'], string> = {
  sprints: 'Scrum: runway in sprints of velocity',
  kanban: 'Kanban: runway in weeks of throughput',
  ask: 'team-managed: sprints if they are on, else Kanban flow',
};

const DEFAULT = '0';

export function BoardPicker({ api, onSaved }: { api: BoardPickerApi; onSaved?: () => void }) {
  const [boards, setBoards] = useState<ProjectBoards | null>(null);
  const [view, setView] = useState<ProjectSettingsView | null>(null);
  const [choice, setChoice] = useState<string>(DEFAULT);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [saving, setSaving] = useState(false);

  const load = async (): Promise<void> => {
    const [b, v] = await Promise.all([api.boards(), api.get()]);
    const parsedBoards = b.ok ? ProjectBoardsSchema.safeParse(b.data) : undefined;
    const parsedView = v.ok ? ProjectSettingsViewSchema.safeParse(v.data) : undefined;
    if (!parsedBoards?.success || !parsedView?.success) {
      setMessage({
        ok: false,
        text: "The project's boards could not be read. Reload to try again.",
      });
      return;
    }
    setBoards(parsedBoards.data);
    setView(parsedView.data);
    setChoice(String(parsedView.data.override.board?.boardId ?? 0));
  };
  useEffect(() => {
    void load();
    // Loaded once when the page opens.
  }, []);

  const save = async (): Promise<void> => {
    if (!view) return;
    setSaving(true);
    const result = await api.save({
      override: { ...view.override, board: { boardId: Number(choice) } },
      expectedVersion: view.version,
    });
    setSaving(false);
    setMessage(
      result.ok
        ? { ok: true, text: 'Board saved: the project page reads it from its next load.' }
        : { ok: false, text: result.error.message },
    );
    if (result.ok) {
      await load();
      onSaved?.();
    }
  };

  const options = [
    { value: DEFAULT, label: "The project's first Scrum board (default)" },
    ...(boards?.boards ?? []).map((b) => ({
      value: String(b.id),
      label: `${b.name} (${FLOW_TEXT[b.flow]})`,
    })),
  ];
  return (
    <Box as="section" aria-labelledby="board-picker-heading" testId="board-picker">
      <Stack space="space.150">
        <Heading size="medium" as="h2" id="board-picker-heading">
          Board the signals read
        </Heading>
        <Text as="p">
          Runway, capacity and the retro read one board. A board whose filter spans other projects
          shows each viewer the items of those projects they may browse.
        </Text>
        <label htmlFor="board-picker-select">Board</label>
        <ChoiceSelect
          inputId="board-picker-select"
          testId="board-picker-select"
          value={choice}
          options={options}
          onChange={setChoice}
          isDisabled={!boards || saving}
        />
        {boards?.more && (
          <Text as="p" size="small">
            More boards show this project than are listed here: the first 50 are.
          </Text>
        )}
        <Inline space="space.100">
          <Button
            appearance="primary"
            onClick={() => void save()}
            isDisabled={!view || saving || choice === String(view.override.board?.boardId ?? 0)}
            testId="board-picker-save"
          >
            Use this board
          </Button>
        </Inline>
        {message && (
          <SectionMessage
            appearance={message.ok ? 'success' : 'error'}
            testId="board-picker-message"
          >
            <Text as="p">{message.text}</Text>
          </SectionMessage>
        )}
      </Stack>
    </Box>
  );
}

import { useEffect, useState } from 'react';
import Button from '@atlaskit/button/new';
import { Stack } from '@atlaskit/primitives';
import { BoardPicker, type BoardPickerApi } from '@ui/BoardPicker';

/**
 * Changing the board the signals read from the project page: offered to a project admin only,
 * found by asking for the project's settings (`settings/project/get`, which refuses anyone else,
 * the same check the settings page and its save make). Everyone sees which board is read in the
 * page's header; an admin can open the picker the settings page shows and save from here.
 */
export function BoardChoice({ api, onSaved }: { api: BoardPickerApi; onSaved: () => void }) {
  const [admin, setAdmin] = useState(false);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    let live = true;
    api
      .get()
      .then((r) => live && setAdmin(r.ok))
      .catch(() => live && setAdmin(false));
    return () => {
      live = false;
    };
  }, [api]);
  if (!admin) return null;
  return (
    <Stack space="space.150">
      <div>
        <Button
          appearance="subtle"
          aria-expanded={open}
          onClick={() => setOpen((o) => !o)}
          testId="board-choice-toggle"
        >
          {open ? 'Close the board choice' : 'Change the board'}
        </Button>
      </div>
      {open && <BoardPicker api={api} onSaved={onSaved} />}
    </Stack>
  );
}

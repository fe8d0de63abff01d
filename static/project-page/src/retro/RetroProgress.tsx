import { Stack, Text } from '@atlaskit/primitives';
import ProgressBar from '@atlaskit/progress-bar';
import Spinner from '@atlaskit/spinner';
import type { RetroProgress as Progress } from './retro-api';

/**
 * While the retro job reads the sprint history: Atlaskit's progress bar with "N of M sprints
 * read", and whether this viewer joined a run another person started.
 */
export function RetroProgress({ progress }: { progress: Progress | undefined }) {
  if (!progress) {
    return (
      <Stack space="space.100" alignInline="center">
        <Spinner label="Loading the retro" />
        <Text>Reading sprint history…</Text>
      </Stack>
    );
  }
  const { done, total } = progress.progress;
  // A Kanban board's retro reads periods; until the job knows, it says sprints.
  const span = progress.span ?? 'sprint';
  const label = total === 0 ? `Finding the closed ${span}s…` : `${done} of ${total} ${span}s read`;
  return (
    <Stack space="space.100" testId="retro-progress">
      <Text weight="medium">Reading the sprint history in the background</Text>
      <ProgressBar
        testId="retro-progress-bar"
        ariaLabel={`Reading the sprint history: ${label}`}
        isIndeterminate={total === 0}
        value={total === 0 ? 0 : done / total}
      />
      <Text testId="retro-progress-text">{label}</Text>
      <Text color="color.text.subtle">
        {progress.joined
          ? 'Someone else opened this retro first: you are following the same run.'
          : `Each closed ${span} is stored once read, so the next visit opens at once.`}
      </Text>
    </Stack>
  );
}

import { Stack, Text } from '@atlaskit/primitives';
import Spinner from '@atlaskit/spinner';
import type { RetroProgress as Progress } from './retro-api';

/**
 * While the retro job reads the sprint history: a progress bar with "N of M sprints read" (an
 * ARIA progressbar drawn with the design tokens), and whether this viewer joined a run another
 * person started.
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
  const label = total === 0 ? 'Finding the closed sprints…' : `${done} of ${total} sprints read`;
  const percent = total === 0 ? 0 : Math.round((done / total) * 100);
  return (
    <Stack space="space.100" testId="retro-progress">
      <Text weight="medium" id="retro-progress-label">
        Reading the sprint history in the background
      </Text>
      <div
        className="retro-progress"
        role="progressbar"
        aria-labelledby="retro-progress-label"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={label}
      >
        <div className="retro-progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <Text testId="retro-progress-text">{label}</Text>
      <Text color="color.text.subtle">
        {progress.joined
          ? 'Someone else opened this retro first: you are following the same run.'
          : 'Each closed sprint is stored once read, so the next visit opens at once.'}
      </Text>
    </Stack>
  );
}

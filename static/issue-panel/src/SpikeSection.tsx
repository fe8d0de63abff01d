import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import type { IssueReadiness } from '@contract/issue-readiness';
import { useId, useState } from 'react';
import { useAction } from './actions';
import { NoteForm } from './NoteField';
import { formatDate } from '@ui/dates';

/** Where the days allowed come from (the spike rule, src/domain/spike-timebox.ts). */
const TIMEBOX_SOURCE: Record<NonNullable<IssueReadiness['timebox']>['source'], string> = {
  'scoped-outcome': 'timebox from the scoped outcome',
  limit: 'the longest spike timebox from the settings (the scoped outcome asks for more)',
  default: 'default timebox from the settings',
};

/** A spike's timebox (days used of days allowed, overrun flagged) and its closing note. */
export function SpikeSection(props: { readiness: IssueReadiness; reload: () => Promise<void> }) {
  const { readiness } = props;
  const timebox = readiness.timebox;
  const action = useAction(props.reload);
  const [note, setNote] = useState(readiness.learned?.note ?? '');
  const [editing, setEditing] = useState(false);
  const noteId = useId();
  const done = readiness.statusCategory === 'done';
  const showForm = readiness.canEdit && (editing || (!readiness.learned && done));

  return (
    <Stack space="space.150">
      <Heading size="small" as="h2">
        Spike
      </Heading>
      {timebox && timebox.startedAt === undefined && !done && (
        <Text as="p" testId="timebox">
          Timebox: {timebox.daysAllowed} {timebox.daysAllowed === 1 ? 'day' : 'days'}; the clock
          starts when the spike moves to an in-progress status.
        </Text>
      )}
      {timebox && timebox.startedAt !== undefined && (
        <Stack space="space.075" testId="timebox">
          <Inline space="space.100" alignBlock="center" shouldWrap>
            <Text weight="medium" testId="timebox-text">
              {timebox.daysUsed} of {timebox.daysAllowed} days used
              {timebox.closedAt !== undefined && ' (final)'}
            </Text>
            {timebox.overrun ? (
              <Lozenge appearance="removed" isBold testId="timebox-overrun">
                {timebox.closedAt !== undefined ? 'Ran over by' : 'Over timebox by'}{' '}
                {timebox.daysUsed - timebox.daysAllowed}{' '}
                {timebox.daysUsed - timebox.daysAllowed === 1 ? 'day' : 'days'}
              </Lozenge>
            ) : (
              <Lozenge appearance="success">
                {timebox.closedAt !== undefined ? 'Finished within timebox' : 'Within timebox'}
              </Lozenge>
            )}
          </Inline>
          <div className={`dt-bar${timebox.overrun ? ' dt-overrun' : ''}`} aria-hidden="true">
            <span
              style={{
                width: `${Math.min(100, Math.round((timebox.daysUsed / Math.max(1, timebox.daysAllowed)) * 100))}%`,
              }}
            />
          </div>
          <Text as="p" color="color.text.subtle" testId="timebox-source">
            Started {formatDate(timebox.startedAt)}
            {timebox.closedAt !== undefined && `, closed ${formatDate(timebox.closedAt)}`};{' '}
            {TIMEBOX_SOURCE[timebox.source]}.
          </Text>
        </Stack>
      )}
      {timebox && timebox.startedAt === undefined && done && (
        <Text as="p" testId="timebox">
          Timebox: {timebox.daysAllowed} {timebox.daysAllowed === 1 ? 'day' : 'days'}; its history
          does not show it in progress before it was closed, so there are no days used to show.
        </Text>
      )}
      <Text as="p" color="color.text.subtle" size="small" testId="timebox-help">
        The clock runs while the spike is in an in-progress status. Moving it back to To Do stops
        the clock, and the next start counts from zero again. Once it is done, the figure shown is
        final: from its last start to its close.
      </Text>
      <Stack space="space.100" testId="learned">
        <Heading size="xsmall" as="h3">
          What we learned / decision
        </Heading>
        {readiness.learned && !editing && (
          <Stack space="space.050">
            <Text as="p">{readiness.learned.note}</Text>
            <Text as="p" color="color.text.subtle" size="small">
              Recorded {formatDate(readiness.learned.at)}
            </Text>
          </Stack>
        )}
        {!readiness.learned && !showForm && (
          <Text as="p" color="color.text.subtle">
            {done
              ? 'Missing: this spike is done but nobody recorded what it learned.'
              : 'Record it before you close the spike. Where a Jira admin has added the rule “Dual Track: spike closes with what we learned” to the transition into Done, Jira refuses to close the spike until this note is recorded; without that rule the spike closes, and this panel shows the note as missing.'}
          </Text>
        )}
        {action.error && (
          <SectionMessage appearance="error" title="The note was not saved">
            <Text as="p">{action.error}</Text>
          </SectionMessage>
        )}
        {showForm ? (
          <NoteForm
            label="What we learned"
            note={{
              id: noteId,
              label: 'What did the spike learn, and what did we decide?',
              value: note,
              onChange: setNote,
              size: 'long',
            }}
            submit={{ label: 'Save note', appearance: 'primary' }}
            busy={action.busy}
            save={() => action.run('issue/spike/learned', { note: note.trim() })}
            onSaved={() => setEditing(false)}
            {...(editing ? { onCancel: () => setEditing(false) } : {})}
          />
        ) : (
          readiness.canEdit && (
            <Inline>
              <Button appearance="subtle" onClick={() => setEditing(true)}>
                {readiness.learned ? 'Edit note' : 'Write the note now'}
              </Button>
            </Inline>
          )
        )}
      </Stack>
    </Stack>
  );
}

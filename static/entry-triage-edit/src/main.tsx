import '@ui/zod-config';
import { view } from '@forge/bridge';
import type { TriageInput } from '@domain/entry-criteria';
import { mount } from '@ui/mount';
import { triageFormFromValue } from '@ui/triage-form';
import { TriageEditor } from './TriageEditor';
import '@ui/page.css';

/**
 * Edit view of the `entry-triage` custom field (issue view and issue create). Jira hands the
 * current value in the context (`extension.fieldValue`) and takes the new one via `view.submit`.
 */
async function start(): Promise<void> {
  const context = await view.getContext();
  const extension: Record<string, unknown> = context.extension;
  const onIssueView = extension['renderContext'] !== 'issue-create';
  await mount(
    <TriageEditor
      initial={triageFormFromValue(extension['fieldValue'])}
      onSubmit={(value: TriageInput | null) => view.submit(value)}
      onCancel={onIssueView ? () => void view.close() : undefined}
    />,
  );
}

start().catch((error: unknown) =>
  console.error('Dual Track: the entry triage editor failed to start', error),
);

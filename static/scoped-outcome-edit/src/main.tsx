import '@ui/zod-config';
import { view } from '@forge/bridge';
import { DEFAULT_CONFIG } from '@domain/config';
import type { ScopedOutcome } from '@domain/track';
import { mount } from '@ui/mount';
import { formFromValue } from './outcome-form';
import { ScopedOutcomeEditor } from './ScopedOutcomeEditor';

/**
 * Edit view of the `scoped-outcome` custom field (issue view and issue create). Jira hands the
 * current value in the context (`extension.fieldValue`) and takes the new one via `view.submit`.
 */
async function start(): Promise<void> {
  const context = await view.getContext();
  const extension: Record<string, unknown> = context.extension;
  const onIssueView = extension['renderContext'] !== 'issue-create';
  // The issue's type, where Jira gives it (issue view): a spike is held to the spike rule.
  const issue = extension['issue'] as { type?: unknown } | undefined;
  const spike = typeof issue?.type === 'string' && issue.type.trim().toLowerCase() === 'spike';
  await mount(
    <ScopedOutcomeEditor
      initial={formFromValue(extension['fieldValue'])}
      rules={DEFAULT_CONFIG}
      spike={spike}
      onSubmit={(value: ScopedOutcome | null) => view.submit(value)}
      onCancel={onIssueView ? () => void view.close() : undefined}
    />,
  );
}

start().catch((error: unknown) =>
  console.error('Dual Track: the scoped outcome editor failed to start', error),
);

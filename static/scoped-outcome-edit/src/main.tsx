import '@ui/zod-config';
import { Stack, Text } from '@atlaskit/primitives';
import Spinner from '@atlaskit/spinner';
import { view } from '@forge/bridge';
import { DEFAULT_CONFIG } from '@domain/config';
import { isSpikeType } from '@domain/sprint-readiness';
import type { ScopedOutcome } from '@domain/track';
import { callResolver } from '@ui/bridge-client';
import { mount } from '@ui/mount';
import { useResolver } from '@ui/use-resolver';
import { formFromValue, type OutcomeForm } from './outcome-form';
import { ScopedOutcomeEditor } from './ScopedOutcomeEditor';
import '@ui/page.css';

/**
 * Edit view of the `scoped-outcome` custom field (issue view and issue create). Jira hands the
 * current value in the context (`extension.fieldValue`) and takes the new one via `view.submit`.
 * The rules come from the project's settings (`outcome/rules`), so the editor says what the
 * gates will say; if they cannot be read, it checks against the defaults and says so.
 */

function Editor(props: { initial: OutcomeForm; spike: boolean; onIssueView: boolean }) {
  const { state } = useResolver(() => callResolver('outcome/rules', {}), []);
  if (state.kind === 'loading') {
    return <Spinner size="small" label="Loading the scoped outcome rules" />;
  }
  const rules = state.kind === 'ready' ? state.data : DEFAULT_CONFIG;
  return (
    <Stack space="space.100">
      {state.kind === 'error' && (
        <Text as="p" color="color.text.warning">
          The project&apos;s Dual Track settings could not be loaded ({state.error.message}): this
          form checks against the default rules.
        </Text>
      )}
      <ScopedOutcomeEditor
        initial={props.initial}
        rules={rules}
        spike={props.spike}
        onSubmit={(value: ScopedOutcome | null) => view.submit(value)}
        onCancel={props.onIssueView ? () => void view.close() : undefined}
      />
    </Stack>
  );
}

async function start(): Promise<void> {
  const context = await view.getContext();
  const extension: Record<string, unknown> = context.extension;
  const onIssueView = extension['renderContext'] !== 'issue-create';
  // The issue's type, where Jira gives it (issue view): a spike is held to the spike rule.
  const issue = extension['issue'] as { type?: unknown } | undefined;
  const spike = typeof issue?.type === 'string' && isSpikeType(issue.type);
  await mount(
    <Editor
      initial={formFromValue(extension['fieldValue'])}
      spike={spike}
      onIssueView={onIssueView}
    />,
  );
}

start().catch((error: unknown) =>
  console.error('Dual Track: the scoped outcome editor failed to start', error),
);

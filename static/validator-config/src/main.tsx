import '@ui/zod-config';
import Checkbox from '@atlaskit/checkbox';
import { Fieldset, HelperMessage, Label } from '@atlaskit/form';
import { Box, Stack, Text } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import Textfield from '@atlaskit/textfield';
import type { Result } from '@contract/bridge-contract';
import { view } from '@forge/bridge';
import { workflowRules } from '@forge/jira-bridge';
import { useEffect, useState } from 'react';
import type { ReadinessCheck } from '@domain/sprint-readiness';
import { callResolver } from '@ui/bridge-client';
import { mount } from '@ui/mount';
import '@ui/page.css';
import { useResolver } from '@ui/use-resolver';
import {
  CHECK_LABELS,
  CHECKS_OF,
  describeRule,
  kindOf,
  parseRuleConfig,
  saveProblem,
  toSave,
  type RuleChoice,
  type RuleConfig,
  type RuleDefaults,
  type RuleKind,
} from './rule-config';

/**
 * Configuration screen of the three Dual Track workflow validators (create, edit, view). The
 * choice is saved by Jira when the admin saves the rule: `workflowRules.onConfigure` hands Jira
 * the JSON of the current choice. The expression validator also gets the Scoped outcome field id
 * and the thresholds of the current settings, because a Jira expression cannot ask the app.
 */

let kind: RuleKind = 'enabler-function';
/** What the admin has chosen so far; read when Jira asks for the configuration to save. */
let choice: RuleChoice = { issueTypes: '', checks: [] };

/** The current settings, for the expression rule only (null: not needed here). */
type DefaultsLoad = Promise<Result<RuleDefaults | null>>;

function loadDefaults(): DefaultsLoad {
  if (kind !== 'enabler-expression') return Promise.resolve({ ok: true, data: null });
  return callResolver('validator/config-defaults', {});
}

const TYPES_LABEL = 'Issue types (comma-separated; empty: the Dual Track settings)';

function Screen(props: { initial: RuleConfig; readOnly: boolean; defaults: DefaultsLoad }) {
  const [types, setTypes] = useState((props.initial.issueTypes ?? []).join(', '));
  const [checks, setChecks] = useState<ReadinessCheck[]>(props.initial.checks ?? CHECKS_OF[kind]);
  // The same answer onConfigure waits for: the settings are asked for once.
  const { state } = useResolver(() => props.defaults, [props.defaults]);

  useEffect(() => {
    choice = { issueTypes: types, checks };
  }, [types, checks]);

  if (props.readOnly) {
    return (
      <Box padding="space.100">
        <Text as="p" testId="rule-summary">
          {describeRule(props.initial, kind)}
        </Text>
      </Box>
    );
  }
  const loadProblem = state.kind === 'error' ? state.error.message : undefined;
  const defaults = state.kind === 'ready' ? (state.data ?? undefined) : undefined;
  const problem =
    state.kind === 'loading'
      ? undefined
      : saveProblem(kind, { issueTypes: types, checks }, props.initial, defaults, loadProblem);
  const toggle = (check: ReadinessCheck, on: boolean) =>
    setChecks(on ? [...checks, check] : checks.filter((x) => x !== check));
  return (
    <Box as="form" padding="space.100" testId="rule-config" onSubmit={(e) => e.preventDefault()}>
      <Stack space="space.200">
        <Stack space="space.050">
          <Label htmlFor="types">{TYPES_LABEL}</Label>
          <Textfield
            id="types"
            value={types}
            aria-describedby="types-help"
            onChange={(e) => setTypes(e.currentTarget.value)}
          />
          <HelperMessage>
            <span id="types-help">For example: Enabler, Spike.</span>
          </HelperMessage>
        </Stack>
        <Fieldset legend="Checks">
          {CHECKS_OF[kind].map((c) => (
            <Checkbox
              key={c}
              name="checks"
              value={c}
              label={CHECK_LABELS[c]}
              isChecked={checks.includes(c)}
              isDisabled={CHECKS_OF[kind].length === 1}
              onChange={(e) => toggle(c, e.currentTarget.checked)}
            />
          ))}
        </Fieldset>
        {kind === 'enabler-expression' && (
          <Text as="p">
            The expression uses the thresholds of the Dual Track settings as they are now; save the
            rule again after changing them. It cannot follow issue links, so it never checks the
            discovery entry criteria: use the function validator for that.
          </Text>
        )}
        {kind === 'enabler-function' && (
          <Text as="p">
            Delivery items that meet the discovery entry criteria without a validated idea or a
            finished spike linked are also refused here when the Dual Track settings say so
            (Discovery entry criteria: refuse such items on sprint-ready transitions).
          </Text>
        )}
        {state.kind === 'loading' && kind === 'enabler-expression' && (
          <Spinner size="small" label="Loading the Dual Track settings" />
        )}
        {problem && (
          <SectionMessage appearance="error" title="This rule cannot be saved yet">
            <Text as="p" testId="rule-save-problem">
              {problem}
            </Text>
          </SectionMessage>
        )}
        {loadProblem && !problem && (
          <SectionMessage appearance="warning" title="Saving keeps the rule's earlier settings">
            <Text as="p">
              The current Dual Track settings could not be loaded ({loadProblem}); saving keeps the
              field and thresholds this rule was saved with.
            </Text>
          </SectionMessage>
        )}
      </Stack>
    </Box>
  );
}

async function start(): Promise<void> {
  const context = await view.getContext();
  const extension: Record<string, unknown> = context.extension;
  kind = kindOf(context.moduleKey);
  const initial = parseRuleConfig(extension['validatorConfig'] ?? extension['configuration']);
  choice = {
    issueTypes: (initial.issueTypes ?? []).join(', '),
    checks: initial.checks ?? CHECKS_OF[kind],
  };
  const readOnly = extension['entryPoint'] === 'view';
  const defaults: DefaultsLoad = readOnly
    ? Promise.resolve({ ok: true, data: null })
    : loadDefaults();
  if (!readOnly) {
    // Jira may ask before the settings have arrived: the answer waits for them. An undefined
    // answer makes Jira keep the form open and save nothing (workflowRules docs); the typings
    // say string only.
    const onConfigure = async (): Promise<string | undefined> => {
      const loaded = await defaults;
      return toSave(kind, choice, initial, loaded.ok ? (loaded.data ?? undefined) : undefined);
    };
    await workflowRules.onConfigure(onConfigure as () => Promise<string>);
  }
  await mount(<Screen initial={initial} readOnly={readOnly} defaults={defaults} />);
}

start().catch((error: unknown) =>
  console.error('Dual Track: the validator configuration failed to start', error),
);

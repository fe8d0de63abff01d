import '@ui/zod-config';
import { view } from '@forge/bridge';
import { workflowRules } from '@forge/jira-bridge';
import { useEffect, useState } from 'react';
import type { ReadinessCheck } from '@domain/sprint-readiness';
import { callResolver } from '@ui/bridge-client';
import { mount } from '@ui/mount';
import './config.css';
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

/** The current settings for the expression rule (undefined: not needed, or not readable). */
type DefaultsLoad = Promise<{ defaults: RuleDefaults } | { problem: string } | undefined>;

function loadDefaults(): DefaultsLoad {
  if (kind !== 'enabler-expression') return Promise.resolve(undefined);
  return callResolver('validator/config-defaults', {}).then(
    (r) => (r.ok ? { defaults: r.data } : { problem: r.error.message }),
    (error: unknown) => ({ problem: error instanceof Error ? error.message : String(error) }),
  );
}

function Screen(props: { initial: RuleConfig; readOnly: boolean; defaults: DefaultsLoad }) {
  const [types, setTypes] = useState((props.initial.issueTypes ?? []).join(', '));
  const [checks, setChecks] = useState<ReadinessCheck[]>(props.initial.checks ?? CHECKS_OF[kind]);
  /** undefined: still loading; null: nothing to load (function rules, view). */
  const [loaded, setLoaded] = useState<Awaited<DefaultsLoad> | null | undefined>(undefined);

  useEffect(() => {
    choice = { issueTypes: types, checks };
  }, [types, checks]);

  useEffect(() => {
    void props.defaults.then((loaded) => setLoaded(loaded ?? null));
  }, [props.defaults]);

  const loadProblem = loaded && 'problem' in loaded ? loaded.problem : undefined;
  const problem =
    loaded === undefined
      ? undefined
      : saveProblem(
          kind,
          { issueTypes: types, checks },
          props.initial,
          loaded && 'defaults' in loaded ? loaded.defaults : undefined,
          loadProblem,
        );
  const note =
    loadProblem && !problem
      ? `The current Dual Track settings could not be loaded (${loadProblem}); saving keeps the field and thresholds this rule was saved with.`
      : undefined;

  if (props.readOnly) return <p data-testid="rule-summary">{describeRule(props.initial, kind)}</p>;
  return (
    <form data-testid="rule-config" onSubmit={(e) => e.preventDefault()}>
      <label htmlFor="types">Issue types (comma-separated; empty: the Dual Track settings)</label>
      <input id="types" value={types} onChange={(e) => setTypes(e.target.value)} />
      <fieldset>
        <legend>Checks</legend>
        {CHECKS_OF[kind].map((c) => (
          <label key={c}>
            <input
              type="checkbox"
              checked={checks.includes(c)}
              disabled={CHECKS_OF[kind].length === 1}
              onChange={(e) =>
                setChecks(e.target.checked ? [...checks, c] : checks.filter((x) => x !== c))
              }
            />
            {CHECK_LABELS[c]}
          </label>
        ))}
      </fieldset>
      {kind === 'enabler-expression' ? (
        <p>
          The expression uses the thresholds of the Dual Track settings as they are now; save the
          rule again after changing them. It cannot follow issue links, so it never checks the
          discovery entry criteria: use the function validator for that.
        </p>
      ) : null}
      {kind === 'enabler-function' ? (
        <p>
          Delivery items that meet the discovery entry criteria without a validated idea or a
          finished spike linked are also refused here when the Dual Track settings say so (Discovery
          entry criteria: refuse such items on sprint-ready transitions).
        </p>
      ) : null}
      {problem ? (
        <p role="alert" data-testid="rule-save-problem">
          {problem}
        </p>
      ) : null}
      {note ? <p role="alert">{note}</p> : null}
    </form>
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
  const defaults = readOnly ? Promise.resolve(undefined) : loadDefaults();
  if (!readOnly) {
    // Jira may ask before the settings have arrived: the answer waits for them. An undefined
    // answer makes Jira keep the form open and save nothing (workflowRules docs); the typings
    // say string only.
    const onConfigure = async (): Promise<string | undefined> => {
      const loaded = await defaults;
      return toSave(
        kind,
        choice,
        initial,
        loaded && 'defaults' in loaded ? loaded.defaults : undefined,
      );
    };
    await workflowRules.onConfigure(onConfigure as () => Promise<string>);
  }
  await mount(<Screen initial={initial} readOnly={readOnly} defaults={defaults} />);
}

start().catch((error: unknown) =>
  console.error('Dual Track: the validator configuration failed to start', error),
);

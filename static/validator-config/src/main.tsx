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
  type RuleConfig,
  type RuleKind,
} from './rule-config';

/**
 * Configuration screen of the three Dual Track workflow validators (create, edit, view). The
 * choice is saved by Jira when the admin saves the rule: `workflowRules.onConfigure` hands Jira
 * the JSON of the current choice. The expression validator also gets the Scoped outcome field id
 * and the thresholds of the current settings, because a Jira expression cannot ask the app.
 */

interface Defaults {
  scopedOutcomeFieldId?: string;
  gateIssueTypes: string[];
  scopedOutcome: {
    minOutcomeLength: number;
    placeholders: string[];
    requireSuccessMeasure: boolean;
    requireBound: boolean;
  };
  maxTimeboxDays: number;
}

let current: RuleConfig = {};
let defaults: Defaults | undefined;
let kind: RuleKind = 'enabler-function';

function toSave(): string {
  const cfg: RuleConfig = { ...current };
  if (kind === 'enabler-expression' && defaults) {
    cfg.issueTypes = cfg.issueTypes ?? defaults.gateIssueTypes;
    if (defaults.scopedOutcomeFieldId) cfg.fieldId = defaults.scopedOutcomeFieldId;
    cfg.minOutcomeLength = defaults.scopedOutcome.minOutcomeLength;
    cfg.placeholders = defaults.scopedOutcome.placeholders.map((p) => p.trim().toLowerCase());
    cfg.requireSuccessMeasure = defaults.scopedOutcome.requireSuccessMeasure;
    cfg.requireBound = defaults.scopedOutcome.requireBound;
  }
  if (kind === 'enabler-expression') delete cfg.checks;
  return JSON.stringify(cfg);
}

function Screen(props: { initial: RuleConfig; readOnly: boolean }) {
  const [types, setTypes] = useState((props.initial.issueTypes ?? []).join(', '));
  const [checks, setChecks] = useState<ReadinessCheck[]>(props.initial.checks ?? CHECKS_OF[kind]);
  const [note, setNote] = useState<string | undefined>();

  useEffect(() => {
    const names = types
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t.length > 0);
    current = { ...(names.length > 0 ? { issueTypes: names } : {}), checks };
  }, [types, checks]);

  useEffect(() => {
    if (kind !== 'enabler-expression') return;
    void callResolver('validator/config-defaults', {}).then((r) => {
      if (r.ok) defaults = r.data as Defaults;
      else setNote(`The current settings could not be loaded: ${r.error.message}`);
    });
  }, []);

  if (props.readOnly) return <p>{describeRule(props.initial, kind)}</p>;
  return (
    <form onSubmit={(e) => e.preventDefault()}>
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
      {note ? <p role="alert">{note}</p> : null}
    </form>
  );
}

async function start(): Promise<void> {
  const context = await view.getContext();
  const extension: Record<string, unknown> = context.extension;
  kind = kindOf(context.moduleKey);
  const initial = parseRuleConfig(extension['validatorConfig'] ?? extension['configuration']);
  current = initial;
  const readOnly = extension['entryPoint'] === 'view';
  if (!readOnly) await workflowRules.onConfigure(() => toSave());
  await mount(<Screen initial={initial} readOnly={readOnly} />);
}

start().catch((error: unknown) =>
  console.error('Dual Track: the validator configuration failed to start', error),
);

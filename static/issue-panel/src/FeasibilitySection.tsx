import Button from '@atlaskit/button/new';
import Checkbox from '@atlaskit/checkbox';
import { Label } from '@atlaskit/form';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import type { IssueReadiness } from '@contract/issue-readiness';
import type { FeasibilityVerdict } from '@domain/item-checklist';
import { useId, useState } from 'react';
import { useAction } from './actions';
import { NoteForm } from './NoteField';
import { ChoiceSelect } from '@ui/ChoiceSelect';
import { formatDate } from '@ui/dates';

/**
 * Feasibility review: a technically novel discovery item (flagged, or by its Entry triage
 * uncertainty: the panel says which) needs a lead engineer's sign-off (who, when, verdict), so
 * engineers are in discovery early. Names the project's lead engineers when it has any.
 */

function LeadsLine(props: {
  leads: ReadonlyArray<{ accountId: string; name: string | null }>;
  groups: ReadonlyArray<{ groupId: string; name: string | null }>;
}) {
  if (props.leads.length === 0 && props.groups.length === 0) {
    return (
      <Text as="p" color="color.text.subtle" size="small" testId="feasibility-leads">
        No lead engineers are named in the project settings, so anyone who may edit this item may
        sign off.
      </Text>
    );
  }
  const names = [
    ...props.leads.map((l) => l.name ?? l.accountId),
    ...props.groups.map((g) => `members of ${g.name ?? g.groupId}`),
  ].join(', ');
  return (
    <Text as="p" color="color.text.subtle" size="small" testId="feasibility-leads">
      Lead engineers who may sign off: {names}.
    </Text>
  );
}

const VERDICTS: Record<
  FeasibilityVerdict,
  { label: string; appearance: 'success' | 'removed' | 'moved' }
> = {
  feasible: { label: 'Feasible', appearance: 'success' },
  'not-feasible': { label: 'Not feasible', appearance: 'removed' },
  'needs-spike': { label: 'Needs a spike first', appearance: 'moved' },
};

export function FeasibilitySection(props: {
  readiness: IssueReadiness;
  reload: () => Promise<void>;
}) {
  const feasibility = props.readiness.feasibility;
  const canEdit = props.readiness.canEdit;
  const action = useAction(props.reload);
  const [verdict, setVerdict] = useState<FeasibilityVerdict>('feasible');
  const [note, setNote] = useState('');
  const [signing, setSigning] = useState(false);
  const id = useId();
  if (!feasibility) return null;
  const signOff = feasibility.signOff;
  const mayAct = canEdit && feasibility.maySignOff;

  return (
    <Stack space="space.150" testId="feasibility">
      <Heading size="small" as="h2">
        Feasibility
      </Heading>
      <Checkbox
        label="Technically novel: engineering must sign off feasibility"
        isChecked={feasibility.flagged}
        isDisabled={!canEdit || action.busy}
        onChange={(e) => void action.run('issue/feasibility/flag', { novel: e.target.checked })}
      />
      {feasibility.novel && feasibility.because && (
        <span data-testid="feasibility-because">
          <Lozenge appearance="new">Technically novel: {feasibility.because}</Lozenge>
        </span>
      )}
      <Text as="p" color="color.text.subtle" size="small">
        While it is technically novel, it cannot be promoted to delivery without a “feasible”
        sign-off. Unticking removes the sign-off unless its triage keeps it novel; flagging it again
        asks for a new one.
      </Text>
      {feasibility.novel && <LeadsLine leads={feasibility.leads} groups={feasibility.leadGroups} />}
      {action.error && (
        <SectionMessage appearance="error" title="That did not work">
          <Text as="p">{action.error}</Text>
        </SectionMessage>
      )}
      {feasibility.novel && signOff && (
        <Stack space="space.050" testId="sign-off">
          <Inline space="space.100" alignBlock="center">
            <Lozenge appearance={VERDICTS[signOff.verdict].appearance} isBold>
              {VERDICTS[signOff.verdict].label}
            </Lozenge>
            <Text color="color.text.subtle">
              signed off {formatDate(signOff.at)} by {signOff.byName ?? signOff.by}
            </Text>
          </Inline>
          <Text as="p">{signOff.note}</Text>
        </Stack>
      )}
      {feasibility.novel && !signOff && (
        <Text as="p" color="color.text.subtle">
          Not signed off yet.
        </Text>
      )}
      {feasibility.novel && canEdit && !feasibility.maySignOff && (
        <Text as="p" color="color.text.subtle" testId="feasibility-not-lead">
          Only a lead engineer may sign off feasibility on this project.
        </Text>
      )}
      {feasibility.novel && mayAct && !signing && (
        <Inline>
          <Button onClick={() => setSigning(true)}>
            {signOff ? 'Sign off again' : 'Sign off feasibility'}
          </Button>
        </Inline>
      )}
      {feasibility.novel && mayAct && signing && (
        <NoteForm
          label="Feasibility sign-off"
          note={{ id: `${id}-note`, label: 'Note', value: note, onChange: setNote }}
          submit={{ label: 'Sign off', appearance: 'primary' }}
          busy={action.busy}
          save={() => action.run('issue/feasibility/sign-off', { verdict, note: note.trim() })}
          onSaved={() => {
            setSigning(false);
            setNote('');
          }}
          onCancel={() => setSigning(false)}
        >
          <div>
            <Label htmlFor={`${id}-verdict`}>Verdict</Label>
            <ChoiceSelect
              inputId={`${id}-verdict`}
              testId="feasibility-verdict"
              value={verdict}
              options={(Object.keys(VERDICTS) as FeasibilityVerdict[]).map((v) => ({
                value: v,
                label: VERDICTS[v].label,
              }))}
              onChange={setVerdict}
            />
          </div>
        </NoteForm>
      )}
    </Stack>
  );
}

import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { Box, Inline, Stack, Text, xcss } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import type { BridgeError } from '@contract/bridge-contract';
import type { IssueReadiness, LinkedItem } from '@contract/issue-readiness';
import { useIssueReadiness } from '@ui/issue-readiness-client';
import { useRef, useState } from 'react';
import { callResolver } from '@ui/bridge-client';
import { useAction } from './actions';
import {
  checkItem,
  criteriaOf,
  itemsFromDraft,
  PromoteConfirmation,
  PromoteItemsForm,
  type ItemForm,
  type PromoteDraft,
} from './PromoteForm';
import { Checklist } from './Checklist';
import { EntrySection } from './EntrySection';
import { EvidenceLog } from './EvidenceLog';
import { FeasibilitySection } from './FeasibilitySection';
import { SpikeSection } from './SpikeSection';
import { formatDate, localizeDates } from '@ui/dates';

/** How the panel reaches Jira beyond its resolvers: opening another issue. */
export interface IssuePanelApi {
  open: (issueKey: string) => void;
}

const KIND_LABELS = {
  idea: 'Idea',
  spike: 'Spike',
  enabler: 'Enabler',
  delivery: 'Delivery item',
} as const;

const ERROR_TITLES: Readonly<Partial<Record<BridgeError['code'], string>>> = {
  forbidden: 'You cannot see this issue',
  'not-found': 'You cannot see this issue',
  unauthenticated: 'Log in to Jira again',
  'rate-limited': 'Jira is busy',
};

const sectionStyles = xcss({
  borderColor: 'color.border',
  borderStyle: 'solid',
  borderWidth: 'border.width',
  borderRadius: 'radius.large',
  padding: 'space.200',
});

function Section(props: { children: React.ReactNode; testId: string }) {
  return (
    <Box as="section" xcss={sectionStyles} testId={props.testId}>
      {props.children}
    </Box>
  );
}

function IssueLinks(props: {
  items: readonly LinkedItem[];
  onOpen: (key: string) => void;
  showValidation: boolean;
}) {
  return (
    <ul className="dt-list">
      {props.items.map((item) => (
        <li key={item.key}>
          <Inline space="space.100" alignBlock="center" shouldWrap>
            <Button appearance="subtle" spacing="compact" onClick={() => props.onOpen(item.key)}>
              {item.key}
            </Button>
            <Text>{item.summary}</Text>
            {props.showValidation && (
              <Lozenge appearance={item.validated ? 'success' : 'default'}>
                {item.validated ? 'Validated' : 'Not validated'}
              </Lozenge>
            )}
          </Inline>
        </li>
      ))}
    </ul>
  );
}

type Stage = 'closed' | 'loading' | 'editing' | 'confirming';

function payloadOf(item: ItemForm) {
  const estimate = item.estimate.trim();
  return {
    summary: item.summary.trim(),
    ...(item.typeId ? { issueTypeId: item.typeId } : {}),
    ...(estimate !== '' ? { estimate: Number(estimate) } : {}),
    acceptanceCriteria: criteriaOf(item),
  };
}

function Promote(props: {
  readiness: IssueReadiness;
  reload: () => Promise<void>;
  onOpen: (key: string) => void;
}) {
  const action = useAction(props.reload);
  const [created, setCreated] = useState<{ keys: string[]; message: string } | null>(null);
  const [stage, setStage] = useState<Stage>('closed');
  const [draft, setDraft] = useState<PromoteDraft | null>(null);
  const [items, setItems] = useState<ItemForm[]>([]);
  const [tried, setTried] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  // One id per reviewed submission that the server has not answered in full: a repeated request
  // (a double click, a retry) gets the first one's answer instead of new items.
  const requestId = useRef(newRequestId());
  const { readiness } = props;
  const errors = items.map(checkItem);
  const open = async () => {
    setStage('loading');
    setLoadError(null);
    action.clearError();
    const result = await callResolver('promote/draft', {});
    if (!result.ok) {
      setLoadError(result.error.message);
      setStage('closed');
      return;
    }
    setDraft(result.data);
    setItems(itemsFromDraft(result.data));
    setTried(false);
    setStage('editing');
  };
  const review = () => {
    setTried(true);
    if (errors.some((e) => Object.keys(e).length > 0)) return;
    setStage('confirming');
  };
  const confirm = async () => {
    const result = await action.run('promote/run', {
      items: items.map(payloadOf),
      requestId: requestId.current,
    });
    if (!result.ok) return;
    const data = result.data;
    if (data.outcome === 'complete') requestId.current = newRequestId();
    setCreated({ keys: data.created.map((c) => c.key), message: data.message });
    setStage('closed');
  };
  const promotion = readiness.promotion;
  if (!promotion) return null;
  return (
    <Stack space="space.100" testId="promote">
      {promotion.allowed ? (
        <>
          {(stage === 'closed' || stage === 'loading') && (
            <Inline>
              <Button
                appearance="primary"
                isDisabled={stage === 'loading'}
                onClick={() => void open()}
              >
                {stage === 'loading' ? 'Preparing…' : 'Promote to delivery'}
              </Button>
            </Inline>
          )}
          {stage === 'editing' && draft && (
            <PromoteItemsForm
              draft={draft}
              items={items}
              errors={tried ? errors : []}
              onChange={setItems}
              onReview={review}
              onCancel={() => setStage('closed')}
            />
          )}
          {stage === 'confirming' && draft && (
            <PromoteConfirmation
              draft={draft}
              items={items}
              busy={action.busy}
              onConfirm={() => void confirm()}
              onBack={() => setStage('editing')}
            />
          )}
        </>
      ) : (
        <Stack space="space.050" testId="promote-blocked">
          <Text as="p" color="color.text.subtle">
            Promote to delivery is not available yet:
          </Text>
          <ul className="dt-list">
            {promotion.reasons.map((reason) => (
              <li key={reason}>
                <Text color="color.text.subtle">{reason}</Text>
              </li>
            ))}
          </ul>
        </Stack>
      )}
      {(action.error ?? loadError) && (
        <SectionMessage appearance="error" title="Not promoted">
          <Text as="p" testId="promote-error">
            {action.error ?? loadError}
          </Text>
        </SectionMessage>
      )}
      {created && (
        <SectionMessage appearance="success" title="Promoted to delivery">
          <Stack space="space.050">
            <Text as="p" testId="promote-result">
              {localizeDates(created.message)}
            </Text>
            <Inline space="space.100">
              {created.keys.map((key) => (
                <Button
                  key={key}
                  appearance="subtle"
                  spacing="compact"
                  onClick={() => props.onOpen(key)}
                >
                  Open {key}
                </Button>
              ))}
            </Inline>
          </Stack>
        </SectionMessage>
      )}
    </Stack>
  );
}

function Panel(props: {
  readiness: IssueReadiness;
  refreshing: boolean;
  reload: () => Promise<void>;
  onOpen: (key: string) => void;
}) {
  const { readiness: r, reload } = props;
  // A delivery item that meets the discovery entry criteria shows where its discovery stands
  // first; for every other item the triage follows the readiness checklist.
  const entrySection = (
    <Section testId="entry">
      <EntrySection readiness={r} reload={reload} onOpen={props.onOpen} />
    </Section>
  );
  return (
    <Stack space="space.200">
      <Stack space="space.100">
        <Inline space="space.100" alignBlock="center" spread="space-between" shouldWrap>
          <Inline space="space.100" alignBlock="center" shouldWrap>
            <Heading size="medium" as="h1">
              {r.issue.key}: {KIND_LABELS[r.kind]}
            </Heading>
            <Lozenge appearance={r.track === 'discovery' ? 'new' : 'inprogress'} isBold>
              {r.track === 'discovery' ? 'Discovery track' : 'Delivery track'}
            </Lozenge>
          </Inline>
          <Button
            appearance="subtle"
            isDisabled={props.refreshing}
            onClick={() => void reload()}
            testId="refresh"
          >
            {props.refreshing ? 'Refreshing…' : 'Refresh'}
          </Button>
        </Inline>
        <Inline space="space.100" alignBlock="center" shouldWrap>
          <span data-testid="ready-state">
            {!r.ready && r.waiver ? (
              <Lozenge appearance="moved" isBold>
                Waived until {formatDate(r.waiver.expiresOn)}
              </Lozenge>
            ) : (
              <Lozenge appearance={r.ready ? 'success' : 'removed'} isBold>
                {r.ready ? 'Ready' : 'Not ready'}
              </Lozenge>
            )}
          </span>
          <Text as="p" testId="headline">
            {localizeDates(r.headline)}
          </Text>
        </Inline>
        {!r.canEdit && (
          <Text as="p" color="color.text.subtle" testId="read-only">
            You can see everything here; changing it needs the Edit issues permission.
          </Text>
        )}
      </Stack>
      {r.notes.length > 0 && (
        <SectionMessage appearance="information" title="Good to know">
          <ul data-testid="notes">
            {r.notes.map((note) => (
              <li key={note}>
                <Text>{note}</Text>
              </li>
            ))}
          </ul>
        </SectionMessage>
      )}
      {r.waiver && (
        <SectionMessage
          appearance="information"
          title={`Waived until ${formatDate(r.waiver.expiresOn)}`}
        >
          <Stack space="space.050" testId="waiver">
            <Text as="p" testId="waiver-by">
              Granted by {r.waiver.grantedByName ?? r.waiver.grantedBy} on{' '}
              {formatDate(r.waiver.grantedAt)}: it may enter a sprint although checks fail, until
              the end of {formatDate(r.waiver.expiresOn)}.
            </Text>
            <Text as="p" testId="waiver-reason">
              Why: {r.waiver.reason}
            </Text>
          </Stack>
        </SectionMessage>
      )}
      {r.entry && entrySection}
      <Section testId="readiness">
        <Stack space="space.150">
          <Heading size="small" as="h2">
            Readiness
          </Heading>
          <Checklist checks={r.checks} />
          {r.promotion && <Promote readiness={r} reload={reload} onOpen={props.onOpen} />}
          {r.promotedTo && r.promotedTo.length > 0 && (
            <Stack space="space.050" testId="promoted-to">
              <Heading size="xsmall" as="h3">
                Delivery items from this idea
              </Heading>
              <IssueLinks items={r.promotedTo} onOpen={props.onOpen} showValidation={false} />
            </Stack>
          )}
          {r.origin && r.origin.length > 0 && (
            <Stack space="space.050" testId="origin">
              <Heading size="xsmall" as="h3">
                Linked discovery
              </Heading>
              <IssueLinks items={r.origin} onOpen={props.onOpen} showValidation />
            </Stack>
          )}
        </Stack>
      </Section>
      {!r.entry && entrySection}
      {r.evidence && (
        <Section testId="evidence">
          <EvidenceLog evidence={r.evidence} canEdit={r.canEdit} reload={reload} />
        </Section>
      )}
      {r.kind === 'spike' && (
        <Section testId="spike">
          <SpikeSection readiness={r} reload={reload} />
        </Section>
      )}
      {r.feasibility && (
        <Section testId="feasibility-section">
          <FeasibilitySection readiness={r} reload={reload} />
        </Section>
      )}
    </Stack>
  );
}

export function IssuePanel({ api }: { api: IssuePanelApi }) {
  const { state, reload } = useIssueReadiness();
  return (
    <Box as="main" padding="space.200" backgroundColor="elevation.surface">
      {state.kind === 'loading' && (
        <Stack space="space.100" alignInline="center">
          <Spinner label="Loading readiness" />
          <Text>Loading readiness…</Text>
        </Stack>
      )}
      {state.kind === 'error' && (
        <SectionMessage
          appearance="error"
          title={ERROR_TITLES[state.error.code] ?? 'Dual Track could not load this issue'}
        >
          <Stack space="space.100">
            <Text as="p">{state.error.message}</Text>
            <Inline>
              <Button onClick={() => void reload()}>Try again</Button>
            </Inline>
          </Stack>
        </SectionMessage>
      )}
      {state.kind === 'ready' && (
        <Panel
          readiness={state.data}
          refreshing={state.refreshing}
          reload={reload}
          onOpen={api.open}
        />
      )}
    </Box>
  );
}

function newRequestId(): string {
  return globalThis.crypto.randomUUID();
}

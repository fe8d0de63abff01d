import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { Box, Inline, Stack, Text, xcss } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import type { BridgeError } from '@contract/bridge-contract';
import type { IssueReadiness, LinkedItem } from '@contract/issue-readiness';
import { useIssueReadiness } from '@ui/issue-readiness-client';
import { PromoteSection } from './PromoteSection';
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
          {r.promotion && (
            <PromoteSection promotion={r.promotion} reload={reload} onOpen={props.onOpen} />
          )}
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

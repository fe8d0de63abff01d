import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import { ErrorMessage, HelperMessage, Label } from '@atlaskit/form';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { Box, Inline, Stack, Text, xcss } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import Textfield from '@atlaskit/textfield';
import type { BridgeError, PayloadOf, Result, ResultOf } from '@contract/bridge-contract';
import { MAX_WAIVER_DAYS } from '@domain/sprint-readiness';
import { tableHead, tableRow } from '@ui/table';
import { useResolver, type ResolverState } from '@ui/use-resolver';
import { useState, type FormEvent } from 'react';
import {
  ACTION_LABELS,
  checkGrant,
  latestExpiry,
  nameOf,
  RULE_LABELS,
  serverFieldErrors,
  today,
  type AuditPageView,
  type AuditRow,
  type GrantDraft,
  type GrantErrors,
  type GrantField,
  type WaiverList,
} from './waivers-view';
import { formatDate, formatDateTime, localizeDates } from '@ui/dates';
import { DateField } from '@ui/DateField';
import { IssueKeyLink } from '@ui/IssueKeyLink';

/** How the section talks to the backend: the contract's `waiver/*` and `audit/list` resolvers. */
export interface WaiversApi {
  list: () => Promise<Result<ResultOf<'waiver/list'>>>;
  grant: (payload: PayloadOf<'waiver/grant'>) => Promise<Result<unknown>>;
  revoke: (payload: PayloadOf<'waiver/revoke'>) => Promise<Result<unknown>>;
  audit: (payload: PayloadOf<'audit/list'>) => Promise<Result<ResultOf<'audit/list'>>>;
}

const AUDIT_PAGE = 25;

const WAIVER_COLUMNS = [
  { key: 'item', label: 'Item' },
  { key: 'reason', label: 'Reason' },
  { key: 'expires', label: 'Expires after' },
  { key: 'approved', label: 'Approved by' },
  { key: 'actions', label: 'Revoke' },
] as const;

const AUDIT_COLUMNS = [
  { key: 'time', label: 'Time' },
  { key: 'item', label: 'Item' },
  { key: 'rule', label: 'Rule' },
  { key: 'action', label: 'Action' },
  { key: 'actor', label: 'Actor' },
  { key: 'detail', label: 'Detail' },
] as const;
/** An item the admin may not see (an issue security level): the server leaves its key out. */
const HIDDEN_ITEM = 'An item you may not have access to';

const EMPTY_DRAFT: GrantDraft = { issueKey: '', reason: '', expiresOn: '' };

const formStyle = xcss({
  borderColor: 'color.border',
  borderStyle: 'solid',
  borderWidth: 'border.width',
  borderRadius: 'radius.medium',
  padding: 'space.200',
  maxWidth: '640px',
});

const ACTION_APPEARANCE: Readonly<
  Record<string, 'default' | 'success' | 'removed' | 'inprogress' | 'new' | 'moved'>
> = {
  'moved-back': 'removed',
  flagged: 'moved',
  blocked: 'removed',
  waived: 'inprogress',
  'waiver-granted': 'success',
  'waiver-revoked': 'default',
  'decision-shared': 'new',
  failed: 'removed',
};

function refusalTitle(error: BridgeError): string {
  return error.code === 'forbidden'
    ? 'Only project admins can see waivers and the audit log'
    : 'Waivers and the audit log could not be loaded';
}

function WaiverTable(props: {
  list: WaiverList;
  busy: string | undefined;
  onRevoke: (issueKey: string) => void;
}) {
  const { list } = props;
  if (list.waivers.length === 0) {
    return (
      <Text as="p" testId="waivers-empty">
        No active waivers: every item must meet the rules before it enters a sprint.
      </Text>
    );
  }
  return (
    <DynamicTable
      label="Active waivers"
      testId="waivers-table"
      head={tableHead(WAIVER_COLUMNS)}
      rows={list.waivers.map((w) =>
        tableRow(WAIVER_COLUMNS, {
          key: w.issueId,
          testId: w.hidden ? `waiver-hidden-${w.issueId}` : `waiver-${w.issueKey}`,
          cells: {
            item: w.hidden ? HIDDEN_ITEM : <IssueKeyLink issueKey={w.issueKey} />,
            reason: w.reason,
            expires: formatDate(w.expiresOn),
            approved: `${nameOf(list.names, w.grantedBy)}, ${formatDate(w.grantedAt)}`,
            actions: w.hidden ? (
              ''
            ) : (
              <Button
                appearance="subtle"
                isDisabled={props.busy !== undefined}
                isLoading={props.busy === w.issueKey}
                aria-label={`Revoke the waiver for ${w.issueKey}`}
                onClick={() => props.onRevoke(w.issueKey)}
              >
                Revoke
              </Button>
            ),
          },
        }),
      )}
    />
  );
}

function GrantForm(props: {
  now: Date;
  busy: boolean;
  errors: GrantErrors;
  draft: GrantDraft;
  onChange: (field: GrantField, value: string) => void;
  onSubmit: () => void;
}) {
  const { draft, errors } = props;
  const latest = latestExpiry(props.now);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onSubmit();
  };
  const describedBy = (name: GrantField) =>
    errors[name] ? `waiver-${name}-error` : `waiver-${name}-help`;
  /** One input of the form with its label, and its problem or else its help. */
  const field = (name: GrantField, label: string, help: string, date?: boolean) => (
    <Stack space="space.050">
      <Label htmlFor={`waiver-${name}`}>{label}</Label>
      {date ? (
        <DateField
          id={`waiver-${name}`}
          name={name}
          value={draft[name]}
          isInvalid={Boolean(errors[name])}
          describedBy={describedBy(name)}
          onChange={(value) => props.onChange(name, value)}
        />
      ) : (
        <Textfield
          id={`waiver-${name}`}
          name={name}
          value={draft[name]}
          isInvalid={Boolean(errors[name])}
          aria-describedby={describedBy(name)}
          onChange={(e) => props.onChange(name, e.currentTarget.value)}
        />
      )}
      {errors[name] ? (
        <ErrorMessage testId={`waiver-${name}-error`}>
          <span id={`waiver-${name}-error`}>
            {label} {errors[name]}
          </span>
        </ErrorMessage>
      ) : (
        <HelperMessage>
          <span id={`waiver-${name}-help`}>{help}</span>
        </HelperMessage>
      )}
    </Stack>
  );
  return (
    <Box xcss={formStyle}>
      <form onSubmit={submit} aria-labelledby="waiver-grant-heading" noValidate>
        <Stack space="space.150">
          <Heading size="small" as="h4" id="waiver-grant-heading">
            Grant a waiver
          </Heading>
          {field('issueKey', 'Item', 'The issue key, for example DT-12.')}
          {field(
            'reason',
            'Reason',
            'Why this item may go ahead as it is; the audit log keeps it.',
          )}
          {field(
            'expiresOn',
            'Expires after',
            `The last day it holds, as YYYY-MM-DD: today (${formatDate(today(props.now))}) at the earliest, at most ${MAX_WAIVER_DAYS} days ahead (${formatDate(latest)}).`,
            true,
          )}
          <Inline>
            <Button type="submit" appearance="primary" isLoading={props.busy} testId="waiver-grant">
              Grant waiver
            </Button>
          </Inline>
        </Stack>
      </form>
    </Box>
  );
}

function AuditTable(props: {
  page: AuditPageView;
  rows: AuditRow[];
  names: Record<string, string>;
}) {
  if (props.rows.length === 0) {
    return (
      <Text as="p" testId="audit-empty">
        Nothing recorded yet.
      </Text>
    );
  }
  return (
    <DynamicTable
      label="Audit log"
      testId="audit-table"
      head={tableHead(AUDIT_COLUMNS)}
      rows={props.rows.map((e) =>
        tableRow(AUDIT_COLUMNS, {
          key: String(e.seq),
          testId: `audit-${e.seq}`,
          cells: {
            time: formatDateTime(e.at),
            item: e.hidden ? HIDDEN_ITEM : <IssueKeyLink issueKey={e.issueKey} />,
            rule: RULE_LABELS[e.rule] ?? e.rule,
            action: (
              <Lozenge appearance={ACTION_APPEARANCE[e.action] ?? 'default'}>
                {ACTION_LABELS[e.action] ?? e.action}
              </Lozenge>
            ),
            actor: nameOf(props.names, e.actor),
            detail: e.waiver
              ? `${localizeDates(e.detail)} (approved by ${nameOf(props.names, e.waiver.grantedBy)})`
              : localizeDates(e.detail),
          },
        }),
      )}
    />
  );
}

/** The audit log as read so far: the first page (kept on screen while it reloads) and older ones. */
function auditOf(
  first: ResolverState<AuditPageView>,
  older: readonly AuditPageView[],
): { page: AuditPageView; rows: AuditRow[]; names: Record<string, string> } | undefined {
  if (first.kind !== 'ready') return undefined;
  const pages = [first.data, ...older];
  return {
    page: pages[pages.length - 1] ?? first.data,
    rows: pages.flatMap((p) => p.entries),
    names: Object.assign({}, ...pages.map((p) => p.names)) as Record<string, string>,
  };
}

/**
 * "Waivers and audit log" on the project settings page (project admins): the active waivers
 * with who approved them, a form to grant one and a button to revoke each, and the audit log,
 * newest first, a page at a time. Every call is checked by the resolvers; a refusal is shown as
 * the server worded it.
 */
export function WaiversAndAudit({
  api,
  now = () => new Date(),
}: {
  api: WaiversApi;
  now?: () => Date;
}) {
  const waiverList = useResolver(() => api.list(), [api], { keepData: true });
  const firstAudit = useResolver(() => api.audit({ limit: AUDIT_PAGE }), [api], {
    keepData: true,
  });
  // The audit pages read with "Load more", after the first; a reload of the first clears them.
  const [older, setOlder] = useState<AuditPageView[]>([]);
  const [moreError, setMoreError] = useState<BridgeError | undefined>();
  const [draft, setDraft] = useState<GrantDraft>(EMPTY_DRAFT);
  const [errors, setErrors] = useState<GrantErrors>({});
  const [actionError, setActionError] = useState<BridgeError | undefined>();
  const [status, setStatus] = useState('');
  const [granting, setGranting] = useState(false);
  const [revoking, setRevoking] = useState<string | undefined>();
  const [loadingMore, setLoadingMore] = useState(false);

  const waivers: WaiverList | undefined =
    waiverList.state.kind === 'ready' ? waiverList.state.data : undefined;
  const audit = auditOf(firstAudit.state, older);
  const loadError =
    (waiverList.state.kind === 'error' ? waiverList.state.error : undefined) ??
    (firstAudit.state.kind === 'error' ? firstAudit.state.error : undefined) ??
    moreError;

  const reloadAll = async () => {
    setOlder([]);
    await Promise.all([waiverList.reload(), firstAudit.reload()]);
  };

  const change = (field: GrantField, value: string) => {
    setDraft((d) => ({ ...d, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };

  const grant = async () => {
    setStatus('');
    setActionError(undefined);
    const checked = checkGrant(draft, now());
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setGranting(true);
    const result = await api.grant(checked.payload);
    setGranting(false);
    if (!result.ok) {
      const fields = serverFieldErrors(result.error);
      if (Object.keys(fields).length > 0) setErrors(fields);
      else setActionError(result.error);
      return;
    }
    setDraft(EMPTY_DRAFT);
    setErrors({});
    // The lists reload before the status is announced, so what it says is already on screen.
    await reloadAll();
    setStatus(
      `Waiver granted for ${checked.payload.issueKey} until ${formatDate(checked.payload.expiresOn)}.`,
    );
  };

  const revoke = async (issueKey: string) => {
    setStatus('');
    setActionError(undefined);
    setRevoking(issueKey);
    const result = await api.revoke({ issueKey });
    setRevoking(undefined);
    if (!result.ok) return setActionError(result.error);
    await reloadAll();
    setStatus(`Waiver for ${issueKey} revoked.`);
  };

  const more = async () => {
    const cursor = audit?.page.nextCursor;
    if (!cursor) return;
    setLoadingMore(true);
    const result = await api.audit({ limit: AUDIT_PAGE, cursor });
    setLoadingMore(false);
    if (!result.ok) return setMoreError(result.error);
    setMoreError(undefined);
    setOlder((pages) => [...pages, result.data]);
  };

  return (
    <Box
      as="section"
      id="waivers-audit"
      aria-labelledby="waivers-audit-heading"
      testId="waivers-audit"
    >
      <Stack space="space.200">
        <Heading size="medium" as="h2" id="waivers-audit-heading">
          Waivers and audit log
        </Heading>
        <Text as="p">
          A waiver lets one item enter sprints and pass the Dual Track validators without meeting
          the rules, until the day it expires. Every block, move back, flag and waiver is recorded
          below.
        </Text>
        {loadError ? (
          <SectionMessage
            appearance="error"
            title={refusalTitle(loadError)}
            testId="waivers-refused"
          >
            <Text as="p">{loadError.message}</Text>
          </SectionMessage>
        ) : (
          <>
            <Heading size="small" as="h3">
              Active waivers
            </Heading>
            {waivers ? (
              <WaiverTable list={waivers} busy={revoking} onRevoke={(k) => void revoke(k)} />
            ) : (
              <Inline space="space.100" alignBlock="center">
                <Spinner size="small" label="Loading waivers" />
                <Text>Loading waivers…</Text>
              </Inline>
            )}
            <GrantForm
              now={now()}
              busy={granting}
              errors={errors}
              draft={draft}
              onChange={change}
              onSubmit={() => void grant()}
            />
            {actionError && (
              <SectionMessage
                appearance="error"
                title={
                  actionError.code === 'forbidden'
                    ? 'You cannot change waivers here'
                    : 'The waiver was not changed'
                }
                testId="waiver-action-error"
              >
                <Text as="p">{actionError.message}</Text>
              </SectionMessage>
            )}
            <Box role="status" testId="waiver-status">
              {status && <Text as="p">{status}</Text>}
            </Box>
            <Heading size="small" as="h3">
              Audit log
            </Heading>
            {audit ? (
              <Stack space="space.100">
                <Text as="p" testId="audit-counts">
                  {`${audit.page.kept} entr${audit.page.kept === 1 ? 'y' : 'ies'} kept, newest first; ${audit.page.dropped} older entr${audit.page.dropped === 1 ? 'y' : 'ies'} dropped to keep the log within its size.`}
                </Text>
                <AuditTable page={audit.page} rows={audit.rows} names={audit.names} />
                {audit.page.nextCursor && (
                  <Inline>
                    <Button onClick={() => void more()} isLoading={loadingMore} testId="audit-more">
                      Load more
                    </Button>
                  </Inline>
                )}
              </Stack>
            ) : (
              <Inline space="space.100" alignBlock="center">
                <Spinner size="small" label="Loading the audit log" />
                <Text>Loading the audit log…</Text>
              </Inline>
            )}
          </>
        )}
      </Stack>
    </Box>
  );
}

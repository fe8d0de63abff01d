import Button from '@atlaskit/button/new';
import Checkbox from '@atlaskit/checkbox';
import { HelperMessage } from '@atlaskit/form';
import Heading from '@atlaskit/heading';
import { Box, Inline, Stack, Text, xcss } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import {
  DATA_FORMAT,
  DATA_SCHEMA_VERSION,
  DATA_SECTIONS,
  type BridgeError,
  type DataDocument,
  type DataSection,
  type PayloadOf,
  type Result,
  type ResultOf,
} from '@contract/bridge-contract';
import {
  LONG_LIST,
  MAX_FILE_BYTES,
  mergeReports,
  plural,
  readDocument,
  splitForImport,
  type ImportReport,
} from './data-transfer-view';
import { useEffect, useRef, useState, type ChangeEvent } from 'react';

/** How the section talks to the backend: the contract's `data/*` resolvers (Jira admins). */
export interface DataTransferApi {
  exportPage: (payload: PayloadOf<'data/export'>) => Promise<Result<ResultOf<'data/export'>>>;
  importDocument: (payload: PayloadOf<'data/import'>) => Promise<Result<ResultOf<'data/import'>>>;
}

const UNKNOWN_ANSWER: BridgeError = {
  code: 'internal',
  message: 'The app answered in a form this page does not know.',
};

const panelStyles = xcss({
  borderColor: 'color.border',
  borderStyle: 'solid',
  borderWidth: 'border.width',
  borderRadius: 'radius.medium',
  padding: 'space.200',
});

interface ExportState {
  busy: boolean;
  error: BridgeError | null;
  done: { fileName: string; url: string; counts: Record<DataSection, number> } | null;
}

type ImportFile = { name: string; document: DataDocument };

interface ImportState {
  file: ImportFile | null;
  fileError: string | null;
  busy: 'dry-run' | 'apply' | null;
  /** Shown with the error: how far an apply in several parts got. */
  error: { error: BridgeError; note?: string } | null;
  dryRun: { report: ImportReport; replace: boolean; parts: number } | null;
  applied: ImportReport | null;
}

const IMPORT_IDLE: ImportState = {
  file: null,
  fileError: null,
  busy: null,
  error: null,
  dryRun: null,
  applied: null,
};

/**
 * "Export / import" on the admin page: a backup of every project's settings, waivers, audit log
 * and evidence as one JSON file, and an import of such a file that shows its diff first and
 * writes only when asked.
 */
export function DataTransfer({ api }: { api: DataTransferApi }) {
  const [exporting, setExporting] = useState<ExportState>({
    busy: false,
    error: null,
    done: null,
  });
  const [importing, setImporting] = useState<ImportState>(IMPORT_IDLE);
  const [replace, setReplace] = useState(false);
  const objectUrl = useRef<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(
    () => () => {
      if (objectUrl.current) URL.revokeObjectURL(objectUrl.current);
    },
    [],
  );

  async function runExport() {
    setExporting({ busy: true, error: null, done: null });
    const records: DataDocument['records'] = [];
    const counts = Object.fromEntries(DATA_SECTIONS.map((s) => [s, 0])) as Record<
      DataSection,
      number
    >;
    let exportedAt: string | undefined;
    let cursor: string | undefined;
    for (let pages = 0; ; pages += 1) {
      const result = await api.exportPage(cursor === undefined ? {} : { cursor });
      if (!result.ok) return setExporting({ busy: false, error: result.error, done: null });
      const page = result.data;
      if (pages > 100_000 || page.nextCursor === cursor) {
        return setExporting({ busy: false, error: UNKNOWN_ANSWER, done: null });
      }
      exportedAt ??= page.document.exportedAt;
      const [section] = page.document.sections;
      records.push(...page.document.records);
      if (section) counts[section] += page.document.records.length;
      cursor = page.nextCursor;
      if (cursor === undefined) break;
    }
    const document: DataDocument = {
      format: DATA_FORMAT,
      schemaVersion: DATA_SCHEMA_VERSION,
      exportedAt: exportedAt ?? new Date().toISOString(),
      sections: [...DATA_SECTIONS],
      records,
    };
    const fileName = `dual-track-export-${document.exportedAt.slice(0, 10)}.json`;
    if (objectUrl.current) URL.revokeObjectURL(objectUrl.current);
    const url = URL.createObjectURL(
      new Blob([JSON.stringify(document, null, 2)], { type: 'application/json' }),
    );
    objectUrl.current = url;
    const link = window.document.createElement('a');
    link.href = url;
    link.download = fileName;
    window.document.body.append(link);
    link.click();
    link.remove();
    setExporting({ busy: false, error: null, done: { fileName, url, counts } });
  }

  /** Sends every part of the file; stops at the first error, saying how far it got. */
  async function send(file: ImportFile, dryRun: boolean, withReplace: boolean) {
    const split = splitForImport(file.document, withReplace);
    if (!split.ok) {
      setImporting((s) => ({
        ...s,
        busy: null,
        dryRun: null,
        error: { error: { code: 'invalid-input', message: split.message } },
      }));
      return;
    }
    const reports: ImportReport[] = [];
    for (const [i, document] of split.parts.entries()) {
      const result = await api.importDocument({ document, dryRun, replace: withReplace });
      if (!result.ok) {
        const error = result.error;
        const note =
          !dryRun && i > 0
            ? `Parts 1 to ${i} of ${split.parts.length} were written. Importing the file again finishes it.`
            : undefined;
        setImporting((s) => ({
          ...s,
          busy: null,
          dryRun: null,
          error: note ? { error, note } : { error },
        }));
        return;
      }
      reports.push(result.data);
    }
    const report = mergeReports(reports, dryRun);
    setImporting((s) =>
      dryRun
        ? {
            ...s,
            busy: null,
            error: null,
            dryRun: { report, replace: withReplace, parts: split.parts.length },
          }
        : { ...s, busy: null, error: null, dryRun: null, applied: report },
    );
  }

  async function chooseFile(event: ChangeEvent<HTMLInputElement>) {
    const chosen = event.target.files?.[0];
    if (!chosen) return setImporting(IMPORT_IDLE);
    if (chosen.size > MAX_FILE_BYTES) {
      return setImporting({
        ...IMPORT_IDLE,
        fileError: `The file is ${Math.round(chosen.size / 1024 / 1024)} MB; this page reads files up to ${MAX_FILE_BYTES / 1024 / 1024} MB.`,
      });
    }
    const read = readDocument(await chosen.text());
    if (!read.ok) return setImporting({ ...IMPORT_IDLE, fileError: read.message });
    const file = { name: chosen.name, document: read.document };
    setImporting({ ...IMPORT_IDLE, file, busy: 'dry-run' });
    await send(file, true, replace);
  }

  async function toggleReplace(next: boolean) {
    setReplace(next);
    const { file } = importing;
    if (!file || importing.busy) return;
    setImporting((s) => ({ ...s, busy: 'dry-run', error: null, applied: null }));
    await send(file, true, next);
  }

  async function apply() {
    const { file, dryRun } = importing;
    if (!file || !dryRun) return;
    setImporting((s) => ({ ...s, busy: 'apply', error: null }));
    await send(file, false, dryRun.replace);
  }

  const { done } = exporting;
  const diff = importing.dryRun?.report.diff;
  const nothingToDo =
    diff !== undefined && diff.added.length + diff.changed.length + diff.removed.length === 0;

  return (
    <Stack space="space.300" testId="data-transfer">
      <Stack space="space.100">
        <Heading size="medium" as="h2">
          Export / import
        </Heading>
        <Text as="p">
          A backup of Dual Track&apos;s data for every project: settings with their versions,
          waivers, the audit log and evidence, as one JSON file. Import such a file to restore it or
          to move it to another site.
        </Text>
      </Stack>

      <Box xcss={panelStyles}>
        <Stack space="space.150">
          <Heading size="small" as="h3">
            Export
          </Heading>
          <Inline>
            <Button
              appearance="primary"
              isLoading={exporting.busy}
              onClick={() => void runExport()}
              testId="export-run"
            >
              Export data
            </Button>
          </Inline>
          {exporting.error && (
            <SectionMessage appearance="error" title="The data could not be exported">
              <Text as="p">{exporting.error.message}</Text>
            </SectionMessage>
          )}
          {done && (
            <SectionMessage appearance="success" title="Export ready" testId="export-done">
              <Stack space="space.100">
                <Text as="p">
                  {`${done.fileName} holds ${plural(
                    DATA_SECTIONS.reduce((n, s) => n + done.counts[s], 0),
                    'record',
                  )}:`}
                </Text>
                <ul>
                  {DATA_SECTIONS.map((s) => (
                    <li key={s} data-testid={`export-count-${s}`}>
                      <Text>{`${s}: ${plural(done.counts[s], 'record')}`}</Text>
                    </li>
                  ))}
                </ul>
                <Text as="p">
                  <a href={done.url} download={done.fileName}>
                    Download {done.fileName} again
                  </a>
                </Text>
              </Stack>
            </SectionMessage>
          )}
        </Stack>
      </Box>

      <Box xcss={panelStyles}>
        <Stack space="space.150">
          <Heading size="small" as="h3">
            Import
          </Heading>
          <Stack space="space.050">
            <Inline space="space.100" alignBlock="center" shouldWrap>
              <Button
                aria-describedby="data-import-file-help"
                isDisabled={importing.busy !== null}
                onClick={() => fileInput.current?.click()}
                testId="import-choose"
              >
                Choose an export file (.json)
              </Button>
              <Text color="color.text.subtle" testId="import-file-name">
                {importing.file?.name ?? 'No file chosen'}
              </Text>
            </Inline>
            {/* The browser's file chooser (the design system has none), opened by the button. */}
            <input
              ref={fileInput}
              id="data-import-file"
              type="file"
              accept=".json,application/json"
              hidden
              tabIndex={-1}
              disabled={importing.busy !== null}
              onChange={(e) => void chooseFile(e)}
              data-testid="import-file"
            />
            <HelperMessage>
              <span id="data-import-file-help">
                Nothing is written yet: you first see what the import would change.
              </span>
            </HelperMessage>
          </Stack>
          <Stack space="space.050">
            <Checkbox
              id="data-import-replace"
              label="Replace: remove keys the file doesn't have"
              isChecked={replace}
              isDisabled={importing.busy !== null}
              onChange={(e) => void toggleReplace(e.target.checked)}
              testId="import-replace"
            />
            {replace && (
              <SectionMessage appearance="warning" title="Keys missing from the file are removed">
                <Text as="p">
                  In every section the file holds, stored data the file does not have is deleted:
                  settings, waivers, audit entries and evidence recorded since the export are lost.
                </Text>
              </SectionMessage>
            )}
          </Stack>
          {importing.fileError && (
            <SectionMessage appearance="error" title="This file cannot be imported">
              <Text as="p">{importing.fileError}</Text>
            </SectionMessage>
          )}
          {importing.error && (
            <SectionMessage
              appearance="error"
              title={
                importing.error.error.code === 'forbidden'
                  ? 'Only Jira admins can import data'
                  : 'The import did not go through'
              }
              testId="import-error"
            >
              <Text as="p">{importing.error.error.message}</Text>
              {importing.error.note && <Text as="p">{importing.error.note}</Text>}
            </SectionMessage>
          )}
          {importing.busy === 'dry-run' && <Text as="p">Comparing the file with storage…</Text>}
          {importing.file && importing.dryRun && diff && (
            <Stack space="space.150" testId="import-diff">
              <Text as="p" weight="bold">
                {`What importing ${importing.file.name} would change${
                  importing.dryRun.parts > 1 ? ` (sent in ${importing.dryRun.parts} parts)` : ''
                }:`}
              </Text>
              <KeyList kind="added" label="Added" keys={diff.added} />
              <KeyList kind="changed" label="Changed" keys={diff.changed} />
              <KeyList kind="removed" label="Removed" keys={diff.removed} />
              <Text as="p" color="color.text.subtle">
                {`${plural(diff.unchanged, 'key')} already match the file.`}
              </Text>
              {nothingToDo ? (
                <SectionMessage appearance="information" title="Nothing to import">
                  <Text as="p">Storage already holds exactly what the file has.</Text>
                </SectionMessage>
              ) : (
                <Inline>
                  <Button
                    appearance={importing.dryRun.replace ? 'danger' : 'primary'}
                    isLoading={importing.busy === 'apply'}
                    isDisabled={importing.busy !== null}
                    onClick={() => void apply()}
                    testId="import-apply"
                  >
                    Apply import
                  </Button>
                </Inline>
              )}
            </Stack>
          )}
          {importing.applied?.applied && (
            <SectionMessage appearance="success" title="Import applied" testId="import-applied">
              <Text as="p">
                {`${plural(importing.applied.applied.written, 'key')} written and ${plural(
                  importing.applied.applied.removed,
                  'key',
                )} removed, in ${plural(importing.applied.applied.batches, 'batch', 'batches')}.`}
              </Text>
              <KeyList kind="written-added" label="Added" keys={importing.applied.diff.added} />
              <KeyList
                kind="written-changed"
                label="Changed"
                keys={importing.applied.diff.changed}
              />
              <KeyList
                kind="written-removed"
                label="Removed"
                keys={importing.applied.diff.removed}
              />
              <Text as="p">Reload the page to see imported settings in the form above.</Text>
            </SectionMessage>
          )}
        </Stack>
      </Box>
    </Stack>
  );
}

/** Keys of one kind of change: listed, or collapsed behind their count when there are many. */
function KeyList({ kind, label, keys }: { kind: string; label: string; keys: string[] }) {
  const title = `${label}: ${plural(keys.length, 'key')}`;
  if (keys.length === 0) {
    return (
      <Text as="p" testId={`import-${kind}`}>
        {title}
      </Text>
    );
  }
  const list = (
    <ul>
      {keys.map((k) => (
        <li key={k}>
          <code>{k}</code>
        </li>
      ))}
    </ul>
  );
  return (
    <Box testId={`import-${kind}`}>
      {keys.length > LONG_LIST ? (
        <details>
          <summary>{title}</summary>
          {list}
        </details>
      ) : (
        <>
          <Text as="p">{title}</Text>
          {list}
        </>
      )}
    </Box>
  );
}

import {
  bullets,
  doc,
  heading,
  labelled,
  link,
  paragraph,
  text,
  type AdfBlock,
  type AdfDoc,
} from '../domain/adf';
import type { EvidenceLine } from '../domain/promotion-draft';
import type { ScopedOutcome } from '../domain/track';

/**
 * The description of a delivery item promoted from a discovery item, in Atlassian Document
 * Format (Jira Cloud's v3 API takes descriptions only as ADF): where it comes from (a link back
 * to the idea), the scoped outcome, the evidence in brief, its estimate and its acceptance
 * criteria. Text nodes are never empty.
 */

export interface DeliveryDescriptionInput {
  discovery: { key: string; summary: string | undefined };
  outcome: ScopedOutcome | undefined;
  evidence: readonly EvidenceLine[];
  acceptanceCriteria: readonly string[];
  estimate?: number | undefined;
}

function boundText(outcome: ScopedOutcome): string | undefined {
  const parts: string[] = [];
  if (typeof outcome.timeboxDays === 'number') {
    parts.push(`timebox of ${outcome.timeboxDays} day${outcome.timeboxDays === 1 ? '' : 's'}`);
  }
  const date = outcome.targetDate?.trim();
  if (date) parts.push(`target date ${date}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

function outcomeBlocks(key: string, outcome: ScopedOutcome | undefined): AdfBlock[] {
  const statement = outcome?.outcome?.trim();
  const measure = outcome?.successMeasure?.trim();
  const bound = outcome ? boundText(outcome) : undefined;
  const blocks: AdfBlock[] = [];
  if (statement) blocks.push(labelled('Outcome', statement));
  if (measure) blocks.push(labelled('Success measure', measure));
  if (bound) blocks.push(labelled('Bound', bound));
  if (blocks.length === 0) blocks.push(paragraph(text(`${key} has no scoped outcome recorded.`)));
  return blocks;
}

export function deliveryDescription(input: DeliveryDescriptionInput): AdfDoc {
  const { discovery, outcome, evidence } = input;
  const summary = discovery.summary?.trim();
  const content: AdfBlock[] = [
    paragraph(
      text('Promoted from the validated discovery item '),
      // Relative to the Jira site the item is read on: the same site as the idea.
      link(discovery.key, `/browse/${discovery.key}`),
      text(summary ? `: ${summary}` : '.'),
    ),
    heading(3, 'Scoped outcome'),
    ...outcomeBlocks(discovery.key, outcome),
    heading(3, 'Evidence'),
  ];
  if (evidence.length > 0) {
    const total = evidence.reduce((n, e) => n + e.count, 0);
    const latest = evidence.reduce((max, e) => (e.latest > max ? e.latest : max), '');
    content.push(
      paragraph(
        text(`${total} ${total === 1 ? 'entry' : 'entries'} in the evidence log of `),
        link(discovery.key, `/browse/${discovery.key}`),
        text(`, the latest dated ${latest}:`),
      ),
      bullets(evidence.map((e) => [text(e.text)])),
    );
  } else {
    content.push(paragraph(text(`${discovery.key} has no evidence recorded.`)));
  }
  if (typeof input.estimate === 'number') content.push(labelled('Estimate', `${input.estimate}`));
  content.push(heading(3, 'Acceptance criteria'));
  content.push(
    input.acceptanceCriteria.length > 0
      ? bullets(input.acceptanceCriteria.map((c) => [text(c)]))
      : paragraph(text('None written yet.')),
  );
  return doc(content);
}

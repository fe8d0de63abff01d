import {
  doc,
  heading,
  labelled,
  paragraph,
  text,
  type AdfTextBlock,
  type AdfTextDoc,
} from '../domain/adf';
import type { ScopedOutcome } from '../domain/track';

/**
 * The description of a delivery item promoted from a discovery item, in Atlassian Document
 * Format (Jira Cloud's v3 API takes descriptions only as ADF). Text nodes are never empty.
 */

function boundText(outcome: ScopedOutcome): string | undefined {
  const parts: string[] = [];
  if (typeof outcome.timeboxDays === 'number') {
    parts.push(`timebox of ${outcome.timeboxDays} day${outcome.timeboxDays === 1 ? '' : 's'}`);
  }
  const date = outcome.targetDate?.trim();
  if (date) parts.push(`target date ${date}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

export function deliveryDescription(
  discovery: { key: string; summary: string | undefined },
  outcome: ScopedOutcome | undefined,
): AdfTextDoc {
  const origin = discovery.summary?.trim()
    ? `Promoted from the validated discovery item ${discovery.key}: ${discovery.summary.trim()}`
    : `Promoted from the validated discovery item ${discovery.key}.`;
  const content: AdfTextBlock[] = [paragraph(text(origin)), heading(3, 'Scoped outcome')];
  const statement = outcome?.outcome?.trim();
  const measure = outcome?.successMeasure?.trim();
  const bound = outcome ? boundText(outcome) : undefined;
  if (statement) content.push(labelled('Outcome', statement));
  if (measure) content.push(labelled('Success measure', measure));
  if (bound) content.push(labelled('Bound', bound));
  if (!statement && !measure && !bound) {
    content.push(paragraph(text(`${discovery.key} has no scoped outcome recorded.`)));
  }
  return doc(content);
}

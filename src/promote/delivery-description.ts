import type { ScopedOutcome } from '../domain/track';

/**
 * The description of a delivery item promoted from a discovery item, in Atlassian Document
 * Format (Jira Cloud's v3 API takes descriptions only as ADF). Text nodes are never empty.
 */

type AdfText = { type: 'text'; text: string; marks?: Array<{ type: 'strong' }> };
type AdfBlock =
  | { type: 'paragraph'; content: AdfText[] }
  | { type: 'heading'; attrs: { level: number }; content: AdfText[] };
export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfBlock[];
}

const text = (value: string): AdfText => ({ type: 'text', text: value });
const strong = (value: string): AdfText => ({
  type: 'text',
  text: value,
  marks: [{ type: 'strong' }],
});
const labelled = (label: string, value: string): AdfBlock => ({
  type: 'paragraph',
  content: [strong(`${label}: `), text(value)],
});

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
): AdfDoc {
  const origin = discovery.summary?.trim()
    ? `Promoted from the validated discovery item ${discovery.key}: ${discovery.summary.trim()}`
    : `Promoted from the validated discovery item ${discovery.key}.`;
  const content: AdfBlock[] = [
    { type: 'paragraph', content: [text(origin)] },
    { type: 'heading', attrs: { level: 3 }, content: [text('Scoped outcome')] },
  ];
  const statement = outcome?.outcome?.trim();
  const measure = outcome?.successMeasure?.trim();
  const bound = outcome ? boundText(outcome) : undefined;
  if (statement) content.push(labelled('Outcome', statement));
  if (measure) content.push(labelled('Success measure', measure));
  if (bound) content.push(labelled('Bound', bound));
  if (!statement && !measure && !bound) {
    content.push({
      type: 'paragraph',
      content: [text(`${discovery.key} has no scoped outcome recorded.`)],
    });
  }
  return { type: 'doc', version: 1, content };
}

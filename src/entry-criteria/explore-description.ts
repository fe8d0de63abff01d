import { doc, heading, paragraph, strong, text, type AdfTextBlock } from '../domain/adf';
import {
  describeReasons,
  describeTriage,
  type EntryReason,
  type Triage,
} from '../domain/entry-criteria';
import type { ExploreKind } from '../contract/bridge-contract';

/** The description of the item Explore first creates. Text nodes are never empty. */
export function description(args: {
  kind: ExploreKind;
  question: string;
  details: string | undefined;
  delivery: { key: string; summary: string };
  reasons: readonly EntryReason[];
  triage: Triage | undefined;
  blocks: boolean;
}): ReturnType<typeof doc<AdfTextBlock>> {
  const what = args.kind === 'spike' ? 'spike' : 'discovery item';
  const about = args.delivery.summary.trim()
    ? `${args.delivery.key} (${args.delivery.summary.trim()})`
    : args.delivery.key;
  const content: AdfTextBlock[] = [
    paragraph(strong('Question to answer: '), text(args.question)),
    paragraph(
      text(
        `${about} meets the discovery entry criteria (${describeReasons(args.reasons)}), so this ${what} answers the question before delivery starts.`,
      ),
    ),
  ];
  if (args.triage) {
    const line = describeTriage(args.triage);
    if (line) content.push(paragraph(strong('Entry triage: '), text(line)));
  }
  const details = (args.details ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (details.length > 0) {
    content.push(heading(3, 'What we know so far'));
    for (const line of details) content.push(paragraph(text(line)));
  }
  content.push(
    paragraph(
      text(
        args.blocks
          ? `Created with Dual Track's Explore first: ${args.delivery.key} is blocked by this ${what} until it is done.`
          : `Created with Dual Track's Explore first for ${args.delivery.key}.`,
      ),
    ),
  );
  return doc(content);
}

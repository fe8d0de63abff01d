/**
 * Atlassian Document Format: Jira Cloud's v3 API takes descriptions and comments only as ADF.
 * The few nodes the app writes, and builders that never make an empty text node.
 */

export type AdfMark = { type: 'strong' } | { type: 'link'; attrs: { href: string } };
export type AdfText = { type: 'text'; text: string; marks?: AdfMark[] };
export type AdfInline = AdfText | { type: 'mention'; attrs: { id: string } };
/** A paragraph or heading of text only: what descriptions are made of. */
export type AdfTextBlock =
  | { type: 'paragraph'; content: AdfText[] }
  | { type: 'heading'; attrs: { level: number }; content: AdfText[] };
export interface AdfTextDoc {
  type: 'doc';
  version: 1;
  content: AdfTextBlock[];
}
export type AdfBlock =
  | { type: 'paragraph'; content: AdfInline[] }
  | { type: 'heading'; attrs: { level: number }; content: AdfInline[] }
  | { type: 'bulletList'; content: Array<{ type: 'listItem'; content: AdfBlock[] }> };
export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfBlock[];
}

export const text = (value: string): AdfText => ({ type: 'text', text: value });
export const strong = (value: string): AdfText => ({
  type: 'text',
  text: value,
  marks: [{ type: 'strong' }],
});
export const link = (value: string, href: string): AdfText => ({
  type: 'text',
  text: value,
  marks: [{ type: 'link', attrs: { href } }],
});
export const mention = (accountId: string): AdfInline => ({
  type: 'mention',
  attrs: { id: accountId },
});
export const paragraph = <T extends AdfInline>(...content: T[]) => ({
  type: 'paragraph' as const,
  content,
});
export const heading = (level: number, value: string): AdfTextBlock => ({
  type: 'heading',
  attrs: { level },
  content: [text(value)],
});
export const bullets = (items: AdfInline[][]): AdfBlock => ({
  type: 'bulletList',
  content: items.map((content) => ({ type: 'listItem', content: [paragraph(...content)] })),
});
/** "Label: value" with the label in bold. */
export const labelled = (label: string, value: string): AdfTextBlock =>
  paragraph(strong(`${label}: `), text(value));
export const doc = <T extends AdfBlock>(content: T[]) => ({
  type: 'doc' as const,
  version: 1 as const,
  content,
});

import type { ReactNode } from 'react';

/**
 * A DynamicTable's head and rows from one list of columns: the head names each column once and
 * each row gives its cells by column key, so a row can neither miss a column nor put a cell
 * under the wrong one.
 */

export interface Column<K extends string> {
  key: K;
  label: string;
}

export function tableHead<K extends string>(columns: readonly Column<K>[]) {
  return { cells: columns.map((c) => ({ key: c.key, content: c.label })) };
}

export function tableRow<K extends string>(
  columns: readonly Column<K>[],
  row: { key: string; testId?: string; cells: Readonly<Record<K, ReactNode>> },
) {
  return {
    key: row.key,
    ...(row.testId ? { testId: row.testId } : {}),
    cells: columns.map((c) => ({ key: c.key, content: row.cells[c.key] })),
  };
}

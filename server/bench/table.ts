/** Plain-text tables for the benches' reports: numbers right-aligned, text left-aligned. */
export function table(
  headers: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number>>,
): string {
  const cells = rows.map((row) =>
    row.map((cell) => (typeof cell === 'number' ? format(cell) : cell)),
  );
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...cells.map((row) => row[i]?.length ?? 0)),
  );
  const line = (row: readonly string[], numeric: (i: number) => boolean) =>
    `  ${row.map((cell, i) => (numeric(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ')}`.trimEnd();
  const isNumber = (i: number) => rows.length > 0 && typeof rows[0][i] === 'number';
  return [line(headers, isNumber), ...cells.map((row) => line(row, isNumber))].join('\n');
}

/** Integers as they are, other numbers to one decimal. */
function format(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** Where a command writes: results to stdout, progress and warnings to stderr. */
export interface Output {
  /** Whether results are JSON for machines rather than tables for people. */
  readonly json: boolean;
  /** Writes a line of results. */
  line(text: string): void;
  /** Writes a warning or note for the person at the terminal (stderr, never in JSON output). */
  note(text: string): void;
  /** Writes a result: as JSON when `json`, else through `render`. */
  result(value: unknown, render: () => string): void;
}

/** An Output over two streams. */
export function streamOutput(json: boolean, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): Output {
  return {
    json,
    line: (text) => stdout.write(`${text}\n`),
    note: (text) => stderr.write(`${text}\n`),
    result(value, render) {
      stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${render()}\n`);
    },
  };
}

/** A plain-text table: a header row and rows, columns padded to their widest cell; numbers right-aligned. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map((cell) => String(cell)))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const numeric = headers.map((_, column) => rows.length > 0 && rows.every((row) => typeof row[column] === 'number'));
  const format = (row: string[]) =>
    row
      .map((cell, column) => (numeric[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  return [format(cells[0]), format(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(format)].join('\n');
}

/** Captures what the breaker writes through console.log/warn/error, in order. */

export interface Captured {
  /** Every line, in order, with the console method that wrote it. */
  readonly lines: { readonly method: 'log' | 'warn' | 'error'; readonly line: string }[];
  /** The structured log lines (JSON objects with a `level`), parsed. */
  records(): Record<string, unknown>[];
  /** The Embedded Metric Format documents (JSON objects with `_aws`), parsed. */
  emf(): Record<string, unknown>[];
  /** Everything written, as one string. */
  text(): string;
}

/** Spies on the console (silently) until jest restores the mocks. */
export function captureConsole(): Captured {
  const lines: { method: 'log' | 'warn' | 'error'; line: string }[] = [];
  for (const method of ['log', 'warn', 'error'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push({ method, line: args.map(String).join(' ') });
    });
  }
  const parsed = () =>
    lines.map(({ line }) => {
      expect(line).not.toContain('\n');
      return JSON.parse(line) as Record<string, unknown>;
    });
  return {
    lines,
    records: () => parsed().filter((r) => !('_aws' in r)),
    emf: () => parsed().filter((r) => '_aws' in r),
    text: () => lines.map((l) => l.line).join('\n'),
  };
}

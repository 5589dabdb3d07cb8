/** Progress of a command that pages through many resources. */
export interface Progress {
  /** Another page arrived, with this many items so far. */
  tick(itemsSoFar: number): void;
  /** Done: clears the indicator. */
  done(): void;
}

const FRAMES = ['|', '/', '-', '\\'];

/**
 * A spinner with a count on stderr, drawn only when stderr is a terminal (never in pipes, CI logs or
 * JSON output).
 */
export function progress(label: string, stderr: NodeJS.WriteStream | NodeJS.WritableStream = process.stderr): Progress {
  const tty = (stderr as NodeJS.WriteStream).isTTY === true;
  let frame = 0;
  return {
    tick(itemsSoFar) {
      if (!tty) return;
      stderr.write(`\r${FRAMES[frame++ % FRAMES.length]} ${label}: ${itemsSoFar}`);
    },
    done() {
      if (tty) stderr.write('\r\x1b[K');
    },
  };
}

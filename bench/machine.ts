/** What the benchmark ran on: CPU, cores, memory, Node.js, OS, date, and how busy the machine was. */
import * as fs from 'node:fs';
import * as os from 'node:os';

export interface Machine {
  readonly date: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  readonly kernel: string;
  /** 1, 5 and 15-minute load averages when the benchmark started. */
  readonly loadAtStart: readonly number[];
}

function cpuModel(): string {
  try {
    const line = fs
      .readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':').slice(1).join(':').trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function osName(): string {
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(fs.readFileSync('/etc/os-release', 'utf8'));
    if (pretty) return pretty[1]!;
  } catch {
    // no os-release
  }
  return `${os.type()} ${os.release()}`;
}

export function describeMachine(): Machine {
  return {
    date: new Date().toISOString(),
    cpuModel: cpuModel(),
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    os: osName(),
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAtStart: os.loadavg(),
  };
}

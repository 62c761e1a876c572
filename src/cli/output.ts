/**
 * Output conventions shared by every verb: data on stdout (JSON with --json),
 * messages and progress on stderr, errors as "matterlog: <what> — <what to do>".
 */
import { SingleBar } from 'cli-progress';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function info(message: string): void {
  process.stderr.write(`${message}\n`);
}

export interface Progress {
  tick(n?: number): void;
  update(value: number): void;
  total(n: number): void;
  stop(): void;
}

/** A progress bar on stderr when it is a terminal and output is for people; silent otherwise. */
export function progress(label: string, total: number, enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) {
    return { tick() {}, update() {}, total() {}, stop() {} };
  }
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    undefined,
  );
  bar.start(total, 0);
  return {
    tick: (n = 1) => bar.increment(n),
    update: (v) => bar.update(v),
    total: (n) => bar.setTotal(n),
    stop: () => bar.stop(),
  };
}

/**
 * Runs test/crash/appender.mjs as a separate process and collects what it
 * reports: acknowledgements, checkpoints it polled, failed requests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'appender.mjs');

export interface Ack {
  /** The entry, base64. */
  entry: string;
  index: number;
  treeSize: number;
  duplicate: boolean;
  via: 'raw' | 'json';
}

export interface AppenderDone {
  requests: number;
  failed: number;
  interrupted: number;
  refused: number;
  resubmitted: number;
  duplicatesSent: number;
  entriesMade: number;
  acked: number;
}

type Line =
  | { t: 'ack'; e: string; i: number; s: number; d: boolean; via: 'raw' | 'json' }
  | { t: 'cp'; note: string }
  | { t: 'fail'; n: number; why: string; interrupted: boolean }
  | ({ t: 'done' } & AppenderDone)
  | { t: 'fatal'; why: string };

export class AppenderProcess {
  readonly acks: Ack[] = [];
  /** Every distinct checkpoint note the appender saw at /checkpoint, in order. */
  readonly checkpoints: string[] = [];
  readonly failures: { n: number; why: string; interrupted: boolean }[] = [];
  private done: AppenderDone | null = null;
  private fatal: string | null = null;
  private stderr = '';
  private readonly waiters: (() => void)[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;

  constructor(token: string, seed: number, concurrency = 8) {
    this.child = spawn(process.execPath, [script, token, String(seed), String(concurrency)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code) => {
        if (!this.done) this.fatal ??= `exited (${code}) before finishing:\n${this.stderr}`;
        for (const w of this.waiters.splice(0)) w();
        resolve(code);
      }),
    );
    this.child.stderr?.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
    const rl = createInterface({ input: this.child.stdout as NodeJS.ReadableStream });
    rl.on('line', (line) => this.onLine(JSON.parse(line) as Line));
  }

  private onLine(l: Line): void {
    if (l.t === 'ack') this.acks.push({ entry: l.e, index: l.i, treeSize: l.s, duplicate: l.d, via: l.via });
    else if (l.t === 'cp') this.checkpoints.push(l.note);
    else if (l.t === 'fail') this.failures.push({ n: l.n, why: l.why, interrupted: l.interrupted });
    else if (l.t === 'done') this.done = l;
    else this.fatal = l.why;
    for (const w of this.waiters.splice(0)) w();
  }

  /** Points the appender at a (re)started server. */
  useServer(url: string): void {
    this.child.stdin?.write(`url ${url}\n`);
  }

  /** Resolves once at least `count` acknowledgements have arrived in total. */
  async waitForAcks(count: number): Promise<void> {
    while (this.acks.length < count) {
      this.check();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.check();
  }

  private check(): void {
    if (this.fatal) throw new Error(`the appender failed: ${this.fatal}`);
  }

  /** Asks the appender to get everything it submitted acknowledged, then waits for it to exit. */
  async finish(): Promise<AppenderDone> {
    this.child.stdin?.end('finish\n');
    const code = await this.exited;
    this.check();
    if (code !== 0 || !this.done) throw new Error(`the appender exited with ${code}:\n${this.stderr}`);
    return this.done;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

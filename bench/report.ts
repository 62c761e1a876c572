/**
 * Benchmark results: the row every benchmark emits, the table printed at the
 * end of a run and the JSON written to bench/results/latest.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MachineInfo } from './machine.js';

export interface Target {
  /** e.g. "≥ 50,000 entries/s". */
  text: string;
  met: boolean;
}

export interface ResultRow {
  /** The benchmark (the name `--only` takes). */
  bench: string;
  /** The case within it, e.g. "sqlite 256 B batch 1024". */
  name: string;
  params: Record<string, string | number | boolean>;
  metrics: Record<string, number>;
  /** One line for the table. */
  summary: string;
  target?: Target;
  /** Why the case did not run (e.g. PostgreSQL unreachable). */
  skipped?: string;
}

export interface RunReport {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  only: string[] | null;
  filter: string | null;
  machine: MachineInfo;
  loadAverageAtEnd: string;
  results: ResultRow[];
}

export const int = (n: number) => Math.round(n).toLocaleString('en-US');
export const ms = (n: number) => (n < 10 ? n.toFixed(3) : n < 100 ? n.toFixed(1) : n.toFixed(0));

function pad(s: string, width: number): string {
  return s.length >= width ? s : s + ' '.repeat(width - s.length);
}

export function machineLines(m: MachineInfo): string[] {
  return [
    `CPU:        ${m.cpu} (${m.cores} cores)`,
    `RAM:        ${m.ramGiB.toFixed(1)} GiB`,
    `OS:         ${m.os}`,
    `Disk:       ${m.disk}`,
    `Node.js:    ${m.node}`,
    `SQLite:     ${m.sqlite}`,
    `PostgreSQL: ${m.postgres}`,
    `Source:     ${m.source}`,
    `Load avg:   ${m.loadAverageAtStart} (1/5/15 min, at start)`,
  ];
}

export function formatTable(report: RunReport): string {
  const header = ['Benchmark', 'Case', 'Result', 'Target'];
  const rows = report.results.map((r) => [
    r.bench,
    r.name,
    r.skipped ? `skipped: ${r.skipped}` : r.summary,
    r.target ? `${r.target.met ? 'met' : 'MISSED'} (${r.target.text})` : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i] as number))
      .join(' | ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  const title = `matterlog benchmarks${report.quick ? ' (--quick)' : ''}, ${report.startedAt}`;
  const end = `Load avg:   ${report.loadAverageAtEnd} (at end)`;
  return [title, ...machineLines(report.machine), end, '', line(header), rule, ...rows.map(line)].join('\n');
}

export function writeReport(file: string, report: RunReport): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}

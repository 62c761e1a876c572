/**
 * The benchmark suite: `npm run bench [-- --quick] [-- --only <name>[,<name>…]] [-- --filter <text>]`.
 *
 * Prints a table (with the machine in its header) and writes every figure as
 * JSON to bench/results/latest.json. Benchmarks report; they never assert.
 * See BENCHMARKS.md for what each benchmark measures and the figures.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { useNodeCrypto } from '../src/app/node-crypto.js';
import { benchAppendHttp } from './append-http.js';
import { benchAppend } from './append-throughput.js';
import { benchAssess } from './assess.js';
import { benchAudit } from './audit.js';
import { benchDemo } from './demo.js';
import { benchEpcis } from './epcis-validate.js';
import { type BenchContext, errorMessage, removeDir } from './fixtures.js';
import { loadAverage, machineInfo, probePostgres } from './machine.js';
import { benchOptimize } from './optimize.js';
import { benchPortfolio } from './portfolio.js';
import { benchProofs } from './proof-latency.js';
import { formatTable, machineLines, type ResultRow, type RunReport, writeReport } from './report.js';
import { benchStatementsHttp } from './statements-http.js';
import { benchTiles } from './tile-reads.js';

const BENCHMARKS: { name: string; what: string; run(ctx: BenchContext): Promise<void> }[] = [
  { name: 'append', what: 'durable appends through the Sequencer, SQLite and PostgreSQL', run: benchAppend },
  { name: 'append-http', what: 'appends over HTTP (POST /append)', run: benchAppendHttp },
  { name: 'proofs', what: 'inclusion/consistency proof latency on the large store', run: benchProofs },
  { name: 'tiles', what: 'tile and entry-bundle reads/s over HTTP on the large store', run: benchTiles },
  {
    name: 'statements-http',
    what: 'signed epcis.event statements ingested over HTTP (POST /statements), SQLite and PostgreSQL',
    run: benchStatementsHttp,
  },
  { name: 'epcis', what: 'EPCIS documents validated and hashed per second, in-process', run: benchEpcis },
  {
    name: 'assess',
    what: 'product passports assessed per second (recyclability, blockers, MCI, emissions), in-process',
    run: benchAssess,
  },
  {
    name: 'portfolio',
    what: "a producer's portfolio (100,000 products, 300,000 market rows) summarised from the read model",
    run: benchPortfolio,
  },
  {
    name: 'optimize',
    what: 'routing plans for 1,000 to 1,000,000 lots × 20 routes, LP and MIP: HiGHS through optimize(), and glpk.js',
    run: benchOptimize,
  },
  {
    name: 'audit',
    what: 'every audit rule over a log of honest EPCIS events (SQLite and PostgreSQL), and one evidence bundle built and verified',
    run: benchAudit,
  },
  {
    name: 'demo',
    what: '`matterlog demo` end to end (init, actors, signed statements, assessment, optimizer, audit, score), SQLite and PostgreSQL',
    run: benchDemo,
  },
];

const USAGE = `usage: npm run bench -- [--quick] [--only <name>[,<name>…]] [--filter <text>]

  --quick           smaller sizes: a smoke run in under a minute (CI)
  --only <names>    run only these benchmarks: ${BENCHMARKS.map((b) => b.name).join(', ')}
  --filter <text>   run only the cases whose name contains <text> (e.g. "sqlite 256 B")

environment: MATTERLOG_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test)`;

interface Args {
  quick: boolean;
  only: string[] | null;
  filter: string | null;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, only: null, filter: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) usageError(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') args.quick = true;
    else if (a === '--only') {
      const names = value()
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      for (const n of names) {
        if (!BENCHMARKS.some((b) => b.name === n)) usageError(`there is no benchmark "${n}"`);
      }
      args.only = [...(args.only ?? []), ...names];
    } else if (a === '--filter') args.filter = value();
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else usageError(`unknown option "${a}"`);
  }
  return args;
}

function usageError(message: string): never {
  console.error(`bench: ${message}\n\n${USAGE}`);
  process.exit(2);
}

/** The directory holding package.json (dist/bench/run.js runs two levels below it). */
function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the project root (package.json)');
    dir = up;
  }
  return dir;
}

/** Drops any schema this run left behind (a case that failed half-way). */
async function dropRunSchemas(url: string, runId: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ name: string }>(
      'SELECT schema_name AS name FROM information_schema.schemata WHERE schema_name LIKE $1',
      [`bench_${runId}_%`],
    );
    for (const r of rows) await client.query(`DROP SCHEMA IF EXISTS "${r.name}" CASCADE`);
  } finally {
    await client.end().catch(() => {});
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  useNodeCrypto();
  const root = projectRoot();
  const cacheDir = path.join(root, 'bench', '.cache');
  const runId = `${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const scratchDir = path.join(cacheDir, `scratch-${runId}`);
  mkdirSync(scratchDir, { recursive: true });
  const pgUrl = process.env['MATTERLOG_BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const pgProbe = await probePostgres(pgUrl);
  const machine = machineInfo(root, cacheDir, pgProbe);
  const startedAt = new Date().toISOString();
  console.log(`matterlog benchmarks${args.quick ? ' (--quick)' : ''}`);
  for (const l of machineLines(machine)) console.log(l);
  if (typeof globalThis.gc !== 'function') console.log('(run with --expose-gc to collect garbage between cases)');

  const results: ResultRow[] = [];
  const ctx: BenchContext = {
    quick: args.quick,
    filter: args.filter,
    root,
    cacheDir,
    scratchDir,
    runId,
    pgUrl,
    pg: pgProbe,
    emit(row) {
      results.push(row);
      console.log(`  ${row.bench} | ${row.name} | ${row.skipped ? `skipped: ${row.skipped}` : row.summary}`);
    },
    log: (m) => console.log(m),
  };
  try {
    for (const b of BENCHMARKS) {
      if (args.only && !args.only.includes(b.name)) continue;
      console.log(`\n${b.name}: ${b.what}`);
      try {
        await b.run(ctx);
      } catch (e) {
        // A benchmark that breaks (e.g. the large store cannot be built) must not cost the others.
        console.error(e);
        ctx.emit({
          bench: b.name,
          name: '(all)',
          params: {},
          metrics: {},
          summary: '',
          skipped: `failed: ${errorMessage(e)}`,
        });
      }
    }
  } finally {
    removeDir(scratchDir);
    if (pgProbe.available) await dropRunSchemas(pgUrl, runId).catch(() => {});
  }
  const report: RunReport = {
    startedAt,
    finishedAt: new Date().toISOString(),
    quick: args.quick,
    only: args.only,
    filter: args.filter,
    machine,
    loadAverageAtEnd: loadAverage(),
    results,
  };
  const out = path.join(root, 'bench', 'results', 'latest.json');
  writeReport(out, report);
  console.log(`\n${formatTable(report)}\n\nwrote ${path.relative(process.cwd(), out) || out}`);
}

main().catch((e: unknown) => {
  console.error('bench failed:', e);
  process.exit(1);
});

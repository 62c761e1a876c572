import path from 'node:path';
import { Command } from 'commander';
import { isInitialised } from '../app/data-dir.js';
import { type DemoResult, type DemoStage, runDemo } from '../app/demo/run-demo.js';
import { scoreTable } from '../app/demo/score.js';
import { initLog, type LogService, openLog } from '../app/log-service.js';
import { startServer } from '../server/http-server.js';
import { databaseOptions, dirOption, intArg, runAction } from './common.js';
import { EXIT } from './exit-codes.js';
import { info, type Progress, printJson, progress } from './output.js';

interface DemoOptions {
  dir: string;
  events: number;
  violations: number;
  seed: string;
  truth?: string;
  serve?: boolean;
  host: string;
  port: number;
  json?: boolean;
  databaseUrl?: string;
  databaseSchema?: string;
}

export function demoCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('demo')
    .summary('build a realistic region from nothing, plant violations, and score the audit against them')
    .description(
      'Creates the log if the data directory holds none, then registers producers (with passports of real products), collectors, sorters and mechanical, chemical and molecular-disassembly recyclers (facilities, routes, capacities, a policy), and submits a year of signed EPCIS events through the log, with --violations planted violations of every audit rule (the ground truth goes to --truth). It then runs the assessment, the optimizer and the audit, and prints what was found against what was planted: precision and recall per rule. Exit 0 only if every planted violation is found and nothing else is flagged. With --serve, serves the result afterwards; a data directory whose log already holds entries is served as it is, without a new demo.',
    )
    .option('--events <n>', 'about how many EPCIS events the year holds', intArg(100, 5_000_000), 5000)
    .option('--violations <n>', 'violations planted of every rule', intArg(0, 1000), 2)
    .option('--seed <seed>', 'seed of the generator (same seed, same region)', 'matterlog')
    .option('--truth <file>', 'where to write the ground truth (default: demo-truth.json in the data directory)')
    .option('--serve', 'serve the log over HTTP afterwards (like "matterlog serve")')
    .option('--host <host>', 'address to listen on with --serve', '127.0.0.1')
    .option('--port <port>', 'port with --serve; 0 picks a free one', intArg(0, 65535), 8080)
    .option('--json', 'print the result as JSON');
  dirOption(cmd);
  databaseOptions(cmd);
  return cmd.action(async (opts: DemoOptions) => {
    const code = await runAction(async () => {
      if (!isInitialised(opts.dir)) {
        const r = await initLog(opts.dir, opts);
        info(`Created the log "${r.origin}" in ${opts.dir} (store: ${r.database}).`);
        info(`Verifier key (publish it): ${r.vkey}`);
        info(`Operator token (shown once): ${r.token}`);
      }
      const log = await openLog({
        dir: opts.dir,
        databaseUrl: opts.databaseUrl,
        databaseSchema: opts.databaseSchema,
        sequence: true,
        // The demo is the only writer and submits its own statements in bulk.
        ingest: { rateLimit: { perSecond: 0, burst: 1 } },
      });
      let exit: number = EXIT.ok;
      // Stopping the server closes the log it serves.
      let served = false;
      try {
        const size = (await log.reader.checkpoint()).size;
        if (size > 0) {
          if (!opts.serve) {
            info(
              `matterlog: ${opts.dir} already holds a log of ${size} entries; run the demo with a fresh --dir, or serve this one with "matterlog serve --dir ${opts.dir}"`,
            );
            return EXIT.config;
          }
          info(`matterlog: ${opts.dir} already holds a log of ${size} entries: serving it as it is (no new demo).`);
        } else {
          const truthFile = opts.truth ?? path.join(opts.dir, 'demo-truth.json');
          let bar: Progress | undefined;
          let stage = '';
          const onProgress = (s: DemoStage) => {
            if (s.stage !== stage) {
              bar?.stop();
              stage = s.stage;
              if (!opts.json) info(`matterlog demo: ${s.stage}…`);
              bar = progress(s.stage, s.total, !opts.json);
            }
            bar?.total(s.total);
            bar?.update(s.done);
          };
          const result = await runDemo(
            log,
            { seed: opts.seed, events: opts.events, violations: opts.violations, truthFile },
            onProgress,
          );
          bar?.stop();
          if (opts.json) printJson(summary(result, truthFile));
          else report(result, truthFile);
          exit = result.score.perfect ? EXIT.ok : EXIT.failure;
        }
        if (opts.serve) {
          served = true;
          await serve(log, opts);
        }
      } finally {
        if (!served) await log.close();
      }
      return exit;
    });
    setExit(code);
  });
}

function summary(r: DemoResult, truthFile: string) {
  return {
    seed: r.seed,
    start: new Date(r.startMs).toISOString(),
    statements: r.statements,
    events: r.events,
    actors: r.actors,
    truthFile,
    perfect: r.score.perfect,
    score: r.score.rules,
    missed: r.score.missed,
    unexpected: r.score.unexpected,
    portfolios: r.portfolios,
    plan: r.plan,
  };
}

function report(r: DemoResult, truthFile: string): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(
    `A region of ${r.actors} actors: ${r.statements} signed statements, ${r.events} EPCIS events over a year from ${new Date(r.startMs).toISOString().slice(0, 10)} (seed "${r.seed}").`,
  );
  out('\nAssessment (portfolio per producer):');
  for (const p of r.portfolios) {
    const share = p.nonRecyclableShare === null ? '—' : `${(100 * p.nonRecyclableShare).toFixed(1)}%`;
    out(
      `  ${p.producer}: ${p.products} product(s), ${p.units} units on the market, non-recyclable ${share}${p.flags.length ? `; flags: ${p.flags.join(', ')}` : ''}`,
    );
  }
  if (r.plan) {
    out(
      `\nOptimizer: ${r.plan.lots} lot(s), ${r.plan.tonnes.toFixed(1)} t held at ${r.plan.facility}, policy ${r.plan.policy}:`,
    );
    out(
      `  ${r.plan.recoveredTonnes.toFixed(1)} t recovered (${(100 * r.plan.recoveryRate).toFixed(1)}%), objective ${r.plan.objectiveEur.toFixed(0)} EUR`,
    );
  }
  out(
    `\nAudit: ${r.audit.findings.length} finding(s) over ${r.audit.events} events; planted violations in ${truthFile}\n`,
  );
  out(scoreTable(r.score));
  for (const m of r.score.missed) out(`  missed: ${m.rule} ${JSON.stringify(m.subject)}`);
  for (const f of r.score.unexpected) out(`  not planted: ${f.rule}: ${f.message}`);
  out(
    r.score.perfect
      ? '\nEvery planted violation was found, and nothing else.'
      : '\nThe audit and the truth differ (see above).',
  );
}

async function serve(log: LogService, opts: DemoOptions): Promise<void> {
  const server = await startServer(log, { host: opts.host, port: opts.port });
  info(`matterlog: serving "${log.identity.origin}" at ${server.url} (try ${server.url}/audit); Ctrl-C stops`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      server.close().then(resolve, resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

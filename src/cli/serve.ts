import { Command } from 'commander';
import { isInitialised } from '../app/data-dir.js';
import { envInteger, envString } from '../app/env.js';
import { defaultIngestOptions, initLog, openLog } from '../app/log-service.js';
import { defaultRateLimit } from '../app/rate-limiter.js';
import { defaultSequencerOptions } from '../log/sequencer.js';
import { startServer } from '../server/http-server.js';
import { databaseOptions, dirOption, intArg, runAction } from './common.js';
import { info, type Progress, printJson, progress } from './output.js';

interface ServeOptions {
  dir: string;
  host: string;
  port: number;
  init?: boolean;
  origin?: string;
  databaseUrl?: string;
  databaseSchema?: string;
  readOnly?: boolean;
  maxBatchSize: number;
  maxBatchDelay: number;
  maxPending: number;
  clockSkew: number;
  rateLimit: number;
  rateBurst: number;
  json?: boolean;
}

export function serveCommand(setExit: (code: number) => void): Command {
  const env = process.env;
  const cmd = new Command('serve')
    .summary('serve the log over HTTP (tlog-tiles, proofs, statements, EPCIS)')
    .description(
      'Serves the log: GET /checkpoint and /tile/… as C2SP tlog-tiles specifies, proofs under /proof/…, POST /statements (signed statements, the public way in), the EPCIS 2.0 capture and query interface under /epcis/…, the actor registry under /actors, POST /append for the operator, /openapi.json. Stops cleanly on SIGINT/SIGTERM: everything already accepted is sequenced before the process exits.',
    )
    .option('--host <host>', 'address to listen on (env MATTERLOG_HOST)', envString(env, 'HOST') ?? '127.0.0.1')
    .option(
      '--port <port>',
      'port (env MATTERLOG_PORT); 0 picks a free one',
      intArg(0, 65535),
      envInteger(env, 'PORT', 0, 65535) ?? 8080,
    )
    .option('--init', 'create the log first if the data directory holds none')
    .option('--origin <name>', 'origin for --init (env MATTERLOG_ORIGIN)', envString(env, 'ORIGIN'))
    .option('--read-only', 'serve reads only; do not take the sequencer lock (for extra API nodes)')
    .option(
      '--max-batch-size <n>',
      'most entries committed in one batch (env MATTERLOG_MAX_BATCH_SIZE)',
      intArg(1, 1_000_000),
      envInteger(env, 'MAX_BATCH_SIZE', 1, 1_000_000) ?? defaultSequencerOptions.maxBatchSize,
    )
    .option(
      '--max-batch-delay <ms>',
      'longest an entry waits for others to share its commit (env MATTERLOG_MAX_BATCH_DELAY_MS)',
      intArg(0, 60_000),
      envInteger(env, 'MAX_BATCH_DELAY_MS', 0, 60_000) ?? defaultSequencerOptions.maxBatchDelayMs,
    )
    .option(
      '--max-pending <n>',
      'entries waiting beyond which submitters get 503 + Retry-After (env MATTERLOG_MAX_PENDING)',
      intArg(1),
      envInteger(env, 'MAX_PENDING', 1) ?? defaultSequencerOptions.maxPendingEntries,
    )
    .option(
      '--clock-skew <seconds>',
      'how far in the future a statement\'s "issued" may be (env MATTERLOG_CLOCK_SKEW)',
      intArg(0, 86_400),
      envInteger(env, 'CLOCK_SKEW', 0, 86_400) ?? defaultIngestOptions.skewMs / 1000,
    )
    .option(
      '--rate-limit <n>',
      'statements per second each actor may submit on average; 0 turns the limit off (env MATTERLOG_RATE_LIMIT)',
      intArg(0),
      envInteger(env, 'RATE_LIMIT', 0) ?? defaultRateLimit.perSecond,
    )
    .option(
      '--rate-burst <n>',
      'statements an actor may submit at once (env MATTERLOG_RATE_BURST)',
      intArg(1),
      envInteger(env, 'RATE_BURST', 1) ?? defaultRateLimit.burst,
    )
    .option('--json', 'print {"url","origin","vkey","operatorVkey","treeSize"} as JSON once listening');
  dirOption(cmd);
  databaseOptions(cmd);
  return cmd.action(async (opts: ServeOptions) => {
    const code = await runAction(async () => {
      if (opts.init && !isInitialised(opts.dir)) {
        const r = await initLog(opts.dir, opts);
        info(`Created the log "${r.origin}" in ${opts.dir}.`);
        info(`Verifier key: ${r.vkey}`);
        info(`Operator token (shown once): ${r.token}`);
      }
      let bar: Progress | undefined;
      const log = await openLog({
        dir: opts.dir,
        databaseUrl: opts.databaseUrl,
        databaseSchema: opts.databaseSchema,
        sequence: !opts.readOnly,
        sequencer: {
          maxBatchSize: opts.maxBatchSize,
          maxBatchDelayMs: opts.maxBatchDelay,
          maxPendingEntries: opts.maxPending,
        },
        ingest: {
          skewMs: opts.clockSkew * 1000,
          rateLimit: { perSecond: opts.rateLimit, burst: opts.rateBurst },
          // Refusals are logged: an operator sees who is sending what the log will not take.
          onReplayed: (count, total) => {
            info(
              `matterlog: ${count} of ${total} submitted statement(s) were already in the log: answered with their index, not logged again`,
            );
          },
          onRefused: (refusals, who) => {
            const first = refusals[0];
            info(
              `matterlog: refused ${refusals.length} statement(s) from ${who}: ${first?.code}: ${first?.reason}${refusals.length > 1 ? ' (and more)' : ''}`,
            );
          },
        },
        onIndexProgress: (done, target) => {
          bar ??= progress('indexing the log', target, !opts.json && target - done > 10_000);
          bar.total(target);
          bar.update(done);
        },
      });
      bar?.stop();
      let server: Awaited<ReturnType<typeof startServer>>;
      try {
        server = await startServer(log, { host: opts.host, port: opts.port });
      } catch (e) {
        await log.close();
        throw e;
      }
      const cp = await log.reader.checkpoint();
      if (opts.json)
        printJson({
          url: server.url,
          origin: log.identity.origin,
          vkey: log.identity.vkey,
          operatorVkey: log.config.operator?.vkey ?? null,
          treeSize: cp.size,
        });
      else {
        info(
          `matterlog: serving "${log.identity.origin}" (size ${cp.size}, ${log.store.driver}: ${log.store.location})`,
        );
        info(`  ${server.url}/checkpoint   ${server.url}/openapi.json`);
        info(`  verifier key: ${log.identity.vkey}`);
        if (log.config.operator) info(`  operator key: ${log.config.operator.vkey} (signs actor registrations)`);
        if (log.ingest)
          info(`  statements: ${server.url}/statements   EPCIS: ${server.url}/epcis/capture, /epcis/events`);
      }
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          info(`matterlog: ${signal}: finishing accepted entries and stopping`);
          server.close().then(resolve, (e: unknown) => {
            info(`matterlog: error while stopping: ${(e as Error).message}`);
            resolve();
          });
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
      return undefined;
    });
    setExit(code);
  });
}

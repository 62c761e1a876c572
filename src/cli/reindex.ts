import { Command } from 'commander';
import { reindex } from '../app/reindex.js';
import { databaseOptions, dirOption, runAction } from './common.js';
import { EXIT } from './exit-codes.js';
import { info, printJson, progress } from './output.js';

export function reindexCommand(setExit: (code: number) => void): Command {
  return databaseOptions(
    dirOption(
      new Command('reindex')
        .summary('rebuild the read model from the log entries')
        .description(
          'Drops the read model (the indexes of actors, statements and EPCIS events) and rebuilds it from the log\'s entries alone, then says whether the rebuilt indexes are identical to the old ones at the same log size (they must be: anything else means the old indexes were damaged or written by a different version). --check rebuilds in memory and changes nothing. Stop "matterlog serve" first: reindexing holds the log\'s sequencer lock. Exit code 3 when the indexes differ.',
        ),
    ),
  )
    .option('--check', 'rebuild in memory and compare, without changing the store')
    .option('--json', 'print the result as JSON')
    .action(
      async (opts: { dir: string; databaseUrl?: string; databaseSchema?: string; check?: boolean; json?: boolean }) => {
        setExit(
          await runAction(async () => {
            const bar = progress('indexing', 1, !opts.json);
            const result = await reindex({
              dir: opts.dir,
              check: opts.check === true,
              ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
              ...(opts.databaseSchema ? { databaseSchema: opts.databaseSchema } : {}),
              onProgress: (done, target) => {
                bar.total(target);
                bar.update(done);
              },
            });
            bar.stop();
            if (opts.json) printJson(result);
            else {
              info(
                `${opts.check ? 'checked' : 'rebuilt'} ${result.indexedSize} of ${result.logSize} entries in ${result.seconds.toFixed(1)} s: ${result.statements} statements indexed, ${result.skipped} entries are not valid statements`,
              );
              process.stdout.write(
                result.identical
                  ? `identical: the rebuilt indexes equal the previous ones at size ${result.previousSize} (digest ${result.rebuiltDigest})\n`
                  : `DIFFERENT: at size ${result.previousSize} the previous indexes had digest ${result.previousDigest}, the rebuilt ones ${result.rebuiltDigest}\n`,
              );
            }
            return result.identical ? undefined : EXIT.verification;
          }),
        );
      },
    );
}

/**
 * Options and conventions every verb shares: where the data directory is, how
 * config flags fall back to MATTERLOG_* variables, and turning errors into
 * messages and exit codes.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { envString, parseInteger } from '../app/env.js';
import { isMatterlogError } from '../ledger/errors.js';
import { EXIT, exitCodeFor } from './exit-codes.js';

export const DEFAULT_DIR = 'matterlog-data';

export function dirOption(cmd: Command): Command {
  return cmd.option(
    '--dir <path>',
    'data directory of the log (env MATTERLOG_DIR)',
    envString(process.env, 'DIR') ?? DEFAULT_DIR,
  );
}

export function databaseOptions(cmd: Command): Command {
  return cmd
    .option(
      '--database-url <url>',
      'postgres:// URL of a shared store; default: SQLite in the data directory (env MATTERLOG_DATABASE_URL)',
      envString(process.env, 'DATABASE_URL'),
    )
    .option(
      '--database-schema <name>',
      'PostgreSQL schema holding the log; default "matterlog", or what init recorded (env MATTERLOG_DATABASE_SCHEMA)',
      envString(process.env, 'DATABASE_SCHEMA'),
    );
}

/** A commander parser for whole numbers in [min, max]. */
export function intArg(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    try {
      return parseInteger(value, 'value', min, max);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  };
}

/** Runs a verb's body; errors become "matterlog: …" on stderr and a meaningful exit code. */
export async function runAction(body: () => Promise<number | undefined>): Promise<number> {
  try {
    return (await body()) ?? EXIT.ok;
  } catch (e) {
    if (isMatterlogError(e)) {
      process.stderr.write(`matterlog: ${e.message}\n`);
      // Every refused statement or invalid spot, not only the first: fix them all in one go.
      const list = e.details['refused'] ?? e.details['errors'];
      if (Array.isArray(list) && list.length > 1) {
        for (const item of list.slice(0, 50) as Record<string, unknown>[]) {
          const where = item['statement'] !== undefined ? `statement ${item['statement']}` : (item['pointer'] ?? '');
          process.stderr.write(`  ${String(where) || '/'}: ${String(item['reason'] ?? '')}\n`);
        }
        if (list.length > 50) process.stderr.write(`  … and ${list.length - 50} more\n`);
      }
      return exitCodeFor(e.code);
    }
    process.stderr.write(`matterlog: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT.failure;
  }
}

/**
 * Options of the verbs that talk to a server: its URL and the operator token.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { envString } from '../app/env.js';
import { MatterlogError } from '../ledger/errors.js';

export const DEFAULT_URL = 'http://127.0.0.1:8080';

export interface RemoteOptions {
  url: string;
  token?: string;
  tokenFile?: string;
}

export function urlOption(cmd: Command): Command {
  return cmd.option('--url <url>', 'the log server (env MATTERLOG_URL)', envString(process.env, 'URL') ?? DEFAULT_URL);
}

export function operatorOptions(cmd: Command): Command {
  return cmd
    .option(
      '--token <token>',
      'operator token from "matterlog init" (env MATTERLOG_TOKEN)',
      envString(process.env, 'TOKEN'),
    )
    .option(
      '--token-file <file>',
      'read the operator token from a file (env MATTERLOG_TOKEN_FILE)',
      envString(process.env, 'TOKEN_FILE'),
    );
}

export function operatorToken(opts: { token?: string; tokenFile?: string }): string {
  if (opts.tokenFile) {
    try {
      return readFileSync(opts.tokenFile, 'utf8').trim();
    } catch (cause) {
      throw new MatterlogError('config', `cannot read the token file ${opts.tokenFile}: ${(cause as Error).message}`, {
        cause,
      });
    }
  }
  if (opts.token) return opts.token;
  throw new MatterlogError(
    'config',
    'no operator token: set MATTERLOG_TOKEN, or pass --token-file (or --token, visible to other users in ps)',
  );
}

/** Reads a file (or standard input for "-") byte for byte, with a message naming it when it cannot. */
export function readBytes(file: string): Buffer {
  try {
    return readFileSync(file === '-' ? 0 : file);
  } catch (cause) {
    const what = file === '-' ? 'standard input' : file;
    throw new MatterlogError('invalid_input', `cannot read ${what}: ${(cause as Error).message}`, { cause });
  }
}

/** Reads a text file (or standard input for "-") as UTF-8. */
export function readText(file: string): string {
  return readBytes(file).toString('utf8');
}

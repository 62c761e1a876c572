/**
 * Configuration from MATTERLOG_* environment variables, validated with messages
 * that name the variable. Flags override these; these override files and defaults.
 */
import { MatterlogError } from '../ledger/errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

export function envString(env: Env, name: string): string | undefined {
  const v = env[`MATTERLOG_${name}`];
  return v === undefined || v === '' ? undefined : v;
}

export function parseInteger(value: string, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^[0-9]+$/.test(value.trim())) {
    throw new MatterlogError('config', `${what} must be a whole number, got "${value}"`);
  }
  const n = Number(value);
  if (n < min || n > max) throw new MatterlogError('config', `${what} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function envInteger(env: Env, name: string, min: number, max?: number): number | undefined {
  const v = envString(env, name);
  return v === undefined ? undefined : parseInteger(v, `MATTERLOG_${name}`, min, max);
}

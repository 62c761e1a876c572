/**
 * Where the optional test dependencies are, and what to do when they are absent.
 *
 * Tests that need ../shared/conformance or PostgreSQL run when those are there and
 * say loudly that they were skipped when not, so `npm test` passes on any machine.
 * CI sets MATTERLOG_REQUIRE_CONFORMANCE=1 / MATTERLOG_REQUIRE_POSTGRES=1 to turn
 * a skip into a failure.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function conformanceDir(): string | null {
  const dir = process.env['MATTERLOG_CONFORMANCE_DIR'] ?? path.resolve(projectRoot, '../shared/conformance');
  if (existsSync(dir)) return dir;
  const msg = `conformance data not found at ${dir} (set MATTERLOG_CONFORMANCE_DIR)`;
  if (process.env['MATTERLOG_REQUIRE_CONFORMANCE'] === '1') throw new Error(msg);
  console.warn(`SKIPPED: ${msg}`);
  return null;
}

export const defaultTestPostgresUrl = 'postgres://postgres@127.0.0.1:5432/test';

export function postgresUrl(): string {
  return process.env['MATTERLOG_TEST_DATABASE_URL'] ?? defaultTestPostgresUrl;
}

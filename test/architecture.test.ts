/**
 * DESIGN.md section 1: the direction of imports between the folders of src/.
 *
 * Reading of the table: each folder may import the folders its "may import"
 * column names (and itself); app, server and cli ("all above", "app and below")
 * may import every folder above them. "Store contracts" means src/store/
 * contract.ts and the checks shared by drivers, never a driver: only src/app
 * picks a driver. Pure folders do no I/O: they import no Node.js built-in
 * that reaches the outside world, and the ledger imports no Node.js module at
 * all, because the browser runs it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './helpers/env.js';

const ORDER = ['ledger', 'statements', 'epcis', 'store', 'log', 'assess', 'optimize', 'audit', 'app', 'server', 'cli'];

const MAY_IMPORT: Record<string, string[]> = {
  ledger: [],
  statements: ['ledger'],
  // "May import only the folders above it": the ledger (errors, bytes, hashing) is above everything.
  epcis: ['ledger', 'statements'],
  store: ['ledger', 'statements'],
  log: ['ledger', 'statements', 'store-contract'],
  assess: ['ledger', 'statements'],
  optimize: ['ledger', 'statements', 'assess'],
  audit: ['ledger', 'statements', 'epcis', 'assess', 'store-contract'],
  app: ORDER.slice(0, ORDER.indexOf('app')),
  // Above app, only contracts: app is the one place that picks a store driver.
  server: [...ORDER.slice(0, ORDER.indexOf('server')).filter((l) => l !== 'store'), 'store-contract'],
  cli: [...ORDER.slice(0, ORDER.indexOf('cli')).filter((l) => l !== 'store'), 'store-contract'],
};

const PURE = new Set(['ledger', 'statements', 'epcis', 'assess']);
const IO_MODULES =
  /^(node:)?(fs|fs\/promises|net|http|https|http2|child_process|dgram|dns|tls|worker_threads|cluster)$|^(pg|better-sqlite3)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(p);
    return d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') ? [p] : [];
  });
}

function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    out.push((m[1] ?? m[2]) as string);
  }
  return out;
}

/** The layer a resolved file under src/ belongs to; store contracts are their own pseudo-layer. */
function layerOf(abs: string): string {
  const rel = path.relative(path.join(projectRoot, 'src'), abs).split(path.sep);
  if (rel[0] === 'store' && STORE_CONTRACTS.includes(rel[1] as string)) return 'store-contract';
  return rel[0] as string;
}

/** The storage contracts and what every driver shares; everything else in src/store is a driver. */
const STORE_CONTRACTS = [
  'contract.ts',
  'shared-checks.ts',
  'read-model.ts',
  'read-model-digest.ts',
  'read-model-batch.ts',
];

const files = sourceFiles(path.join(projectRoot, 'src'));

describe('import direction (DESIGN.md section 1)', () => {
  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('every import in src/ goes only where the design allows', () => {
    const violations: string[] = [];
    for (const file of files) {
      const own = layerOf(file);
      const from = own === 'store-contract' ? 'store' : own;
      if (!ORDER.includes(from)) {
        violations.push(`${path.relative(projectRoot, file)} is in src/${from}, a folder DESIGN.md does not list`);
        continue;
      }
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) {
          if (PURE.has(from) && IO_MODULES.test(spec))
            violations.push(`${path.relative(projectRoot, file)}: pure code imports ${spec}`);
          if (from === 'ledger' && spec.startsWith('node:'))
            violations.push(`${path.relative(projectRoot, file)}: the ledger runs in browsers but imports ${spec}`);
          continue;
        }
        const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
        if (!target.startsWith(path.join(projectRoot, 'src'))) {
          violations.push(`${path.relative(projectRoot, file)} imports ${spec}, outside src/`);
          continue;
        }
        const to = layerOf(target);
        const same = to === from || (from === 'store' && to === 'store-contract');
        const allowed =
          same ||
          (MAY_IMPORT[from] ?? []).includes(to) ||
          (to === 'store-contract' && (MAY_IMPORT[from] ?? []).includes('store'));
        if (!allowed) violations.push(`${path.relative(projectRoot, file)} (${from}) imports ${spec} (${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('the checker itself catches an upward import', () => {
    expect(layerOf(path.join(projectRoot, 'src/store/sqlite/sqlite-store.ts'))).toBe('store');
    expect(layerOf(path.join(projectRoot, 'src/store/contract.ts'))).toBe('store-contract');
    expect(MAY_IMPORT['log']).not.toContain('store');
    expect(MAY_IMPORT['cli']).not.toContain('store');
    expect(MAY_IMPORT['app']).toContain('store');
    expect(importsOf(path.join(projectRoot, 'src/log/sequencer.ts'))).toContain('../store/contract.js');
  });
});

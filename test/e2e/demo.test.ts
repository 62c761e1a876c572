/**
 * `matterlog demo`: a region built from nothing through the real statement
 * service, with violations of every audit rule planted; the audit must find
 * each planted violation and flag nothing else (precision = recall = 1 per
 * rule), whatever the seed. And the CLI runs it on a fresh SQLite data dir.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/app/demo/run-demo.js';
import { AUDIT_RULES } from '../../src/app/demo/score.js';
import { cli, tempDir } from '../helpers/cli.js';
import { memoryLog } from '../helpers/memory-log.js';

describe('the demo scenario', () => {
  for (const seed of ['1', 'harbour', '2045']) {
    it(`seed ${seed}: finds every planted violation and nothing else`, async () => {
      const log = await memoryLog({}, undefined, { rateLimit: { perSecond: 0, burst: 1 } });
      try {
        const r = await runDemo(log, { seed, events: 700, violations: 2, optimize: seed === '1' });
        expect(r.score.unexpected).toEqual([]);
        expect(r.score.missed).toEqual([]);
        for (const rule of AUDIT_RULES) {
          const s = r.score.rules.find((x) => x.rule === rule);
          expect(s?.planted, rule).toBeGreaterThanOrEqual(2);
          expect(s?.precision, rule).toBe(1);
          expect(s?.recall, rule).toBe(1);
        }
        expect(r.audit.notBalanced.some((f) => f.includes('4012345.000'))).toBe(false);
        if (seed === '1') expect(r.plan?.lots).toBeGreaterThan(0);
      } finally {
        await log.close();
      }
    }, 60_000);
  }
});

describe('matterlog demo', () => {
  it('initialises a fresh SQLite data dir, runs the demo and prints the score as JSON', async () => {
    const dir = path.join(tempDir(), 'data');
    const r = await cli(['demo', '--dir', dir, '--events', '2000', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      perfect: boolean;
      events: number;
      truthFile: string;
      score: { rule: string; planted: number; precision: number; recall: number }[];
    };
    expect(out.perfect).toBe(true);
    expect(out.events).toBeGreaterThan(1500);
    expect(out.score.map((s) => s.rule)).toEqual(AUDIT_RULES);
    for (const s of out.score) expect([s.planted > 0, s.precision, s.recall]).toEqual([true, 1, 1]);
    const truth = JSON.parse(readFileSync(out.truthFile, 'utf8')) as { planted: unknown[] };
    expect(truth.planted).toHaveLength(out.score.reduce((n, s) => n + s.planted, 0));
    // A second run does not pile a second region onto the first.
    const again = await cli(['demo', '--dir', dir, '--events', '2000']);
    expect(again.code).toBe(6);
    expect(again.stderr).toMatch(/already holds a log of \d+ entries/);
  }, 60_000);
});

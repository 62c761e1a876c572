/**
 * matterlog optimize and verify-plan as a user runs them: files in, the real
 * command (HiGHS on a worker thread), a plan document out, and an offline
 * verification that says in words what the certificate proves.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/cli.js';
import { LOTS, OPTIONS, policy } from '../helpers/optimize-fixtures.js';

let dir: string;
const file = (name: string) => path.join(dir, name);

beforeAll(() => {
  dir = tempDir();
  writeFileSync(file('lots.json'), JSON.stringify({ lots: LOTS }));
  writeFileSync(file('options.json'), JSON.stringify(OPTIONS));
  writeFileSync(file('floor.json'), JSON.stringify(policy({ id: 'floor', minRecoveryRate: 0.82 })));
  writeFileSync(
    file('no-chem.json'),
    JSON.stringify(policy({ id: 'no-chem', familyShares: [{ family: 'chemical', max: 0 }] })),
  );
  writeFileSync(file('strict.json'), JSON.stringify(policy({ id: 'strict', minRecoveryRate: 0.95 })));
});

const base = () => ['--lots', file('lots.json'), '--options', file('options.json')];

describe('matterlog optimize and verify-plan', () => {
  it('solves, prints where the lots go and what is proved, and writes a plan that verifies offline', async () => {
    const r = await cli(['optimize', '--policy', file('floor.json'), ...base(), '--out', file('plan.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /Plan for 2 lots \(14 t\) under policy "floor" version v1 \(not in the log\), LP, solved by highs/,
    );
    expect(r.stdout).toMatch(/objective +-3,536\.00 EUR/);
    expect(r.stdout).toMatch(
      /min-recovery\[all\]: one point less of the recovery floor would lower the objective by 140\.00 EUR/,
    );
    expect(r.stdout).toMatch(/VERIFIED\. Proved:/);
    const v = await cli(['verify-plan', file('plan.json')]);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/^VERIFIED\. Proved:\n {2}- the plan sends every lot in full \(14 t\)/);
    expect(v.stdout).toMatch(/it is optimal/);
    const json = JSON.parse((await cli(['verify-plan', file('plan.json'), '--json'])).stdout) as {
      ok: boolean;
      provenGap: number;
    };
    expect(json.ok).toBe(true);
  });

  it('verify-plan fails, exit 3, on a tampered plan and says why', async () => {
    const plan = JSON.parse(readFileSync(file('plan.json'), 'utf8')) as { certificate: { x: number[] } };
    plan.certificate.x[0] = (plan.certificate.x[0] as number) + 0.5;
    plan.certificate.x[1] = (plan.certificate.x[1] as number) - 0.5;
    writeFileSync(file('tampered.json'), JSON.stringify(plan));
    const v = await cli(['verify-plan', file('tampered.json')]);
    expect(v.code).toBe(3);
    expect(v.stdout).toMatch(/^NOT VERIFIED/);
    expect(v.stdout).toMatch(/Not proved:/);
  });

  it('--compare puts policies side by side, including one that cannot be met', async () => {
    const r = await cli([
      'optimize',
      '--compare',
      file('floor.json'),
      file('no-chem.json'),
      file('strict.json'),
      ...base(),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('policy | objective | value | cost | t CO2e | recovery | families');
    expect(lines[1]).toMatch(/^floor@v1 \| -3,536\.00 EUR/);
    expect(lines[2]).toMatch(/^no-chem@v1 \| -2,736\.00 EUR/);
    expect(lines[3]).toMatch(/^strict@v1 \| cannot be met: .*min-recovery\[all\] would have to be relaxed by 0\.988 t/);
  });

  it('an infeasible policy exits 2 naming the conflict; bad lots are refused with pointers', async () => {
    const r = await cli(['optimize', '--policy', file('strict.json'), ...base()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot be met by these lots: min-recovery\[all\] would have to be relaxed by 0\.988 t/);
    writeFileSync(
      file('bad-lots.json'),
      JSON.stringify({ lots: [{ id: 'x', massTonnes: -1, composition: { 'polymer/nope': 2 } }] }),
    );
    const bad = await cli(['optimize', '--policy', file('floor.json'), '--lots', file('bad-lots.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/\/lots\/0\/massTonnes: must be a positive number of tonnes/);
    expect(bad.stderr).toMatch(/\/lots\/0\/composition\/polymer\/nope: unknown material/);
  });
});

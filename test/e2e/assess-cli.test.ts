/**
 * `matterlog assess` and `matterlog catalog` as users run them.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/cli.js';
import { bottlePassport } from '../helpers/passport-fixtures.js';

const passport = bottlePassport();

function file(name: string, value: unknown): string {
  const f = path.join(tempDir(), name);
  writeFileSync(f, typeof value === 'string' ? value : JSON.stringify(value));
  return f;
}

describe('matterlog assess', () => {
  it('prints the assessment as a table, or JSON with --json', async () => {
    const f = file('bottle.json', passport);
    const table = await cli(['assess', f]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/Recoverable by design: 81\.3% \(22\.75 g\)\s+PPWR grade: B/);
    expect(table.stdout).toMatch(/from 2038: may be placed on the EU market \(grades A and B\)/);
    expect(table.stdout).toMatch(/Material Circularity Indicator: 0\.\d{3}/);
    const json = await cli(['assess', f, '--json', '--routes', 'mechanical,landfill']);
    expect(json.code, json.stderr).toBe(0);
    const a = JSON.parse(json.stdout) as {
      ppwr: { grade: string };
      flags: { kind: string }[];
      recyclability: { share: number };
    };
    expect(a.ppwr.grade).toBe('non-recyclable');
    expect(a.recyclability.share).toBeCloseTo(0.0181925 / 0.028, 12);
    expect(a.flags.map((x) => x.kind)).toEqual(['low-recyclability']);
  });

  it('flags a regression against --previous, and refuses bad passports with every problem', async () => {
    const v1 = file('v1.json', passport);
    const v2 = file('v2.json', {
      ...passport,
      version: 'v2',
      replaces: 'v1',
      components: passport.components.map((c) =>
        c.id === 'bottle' ? { ...c, features: ['pigment:carbon-black'] } : c,
      ),
    });
    const r = await cli(['assess', v2, '--previous', v1, '--routes', 'mechanical']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/regression: version v2 is less recyclable than version v1/);
    expect(r.stdout).toMatch(/pigment:carbon-black on bottle/);
    const bad = await cli([
      'assess',
      file('bad.json', {
        ...passport,
        declaredMassKg: 0.05,
        components: [{ id: 'x', material: 'polymer/nope', massKg: -1 }],
      }),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/\/components\/0\/material: unknown material "polymer\/nope"/);
    expect(bad.stderr).toMatch(/\/components\/0\/massKg: must be a positive number/);
    expect((await cli(['assess', v1, '--routes', 'teleport'])).stderr).toMatch(/unknown route teleport/);
  });
});

describe('matterlog assess and the UN Transparency Protocol', () => {
  it('exports a passport as a UNTP DPP with its assessment, and assesses the export the same', async () => {
    const f = file('bottle.json', passport);
    const out = await cli(['assess', f, '--untp', '--issuer', 'producer.example/water']);
    expect(out.code, out.stderr).toBe(0);
    const dpp = JSON.parse(out.stdout) as {
      type: string[];
      credentialSubject: { product: { id: string }; circularityScorecard: { recyclableContent: number } };
    };
    expect(dpp.type).toContain('DigitalProductPassport');
    expect(dpp.credentialSubject.product.id).toBe('https://id.gs1.org/01/04006381333931');
    expect(dpp.credentialSubject.circularityScorecard.recyclableContent).toBeCloseTo(0.0227525 / 0.028, 9);
    const again = await cli(['assess', file('dpp.json', out.stdout), '--json']);
    expect(again.code, again.stderr).toBe(0);
    const direct = JSON.parse((await cli(['assess', f, '--json'])).stdout) as unknown;
    expect(JSON.parse(again.stdout)).toEqual(direct);
  });
});

describe('matterlog catalog', () => {
  it('lists materials with WARM factors, routes and features, and explains one entry with its sources', async () => {
    const all = await cli(['catalog']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/polymer\/PET\s+-1\.04\s+0\.02\s+1\.24/);
    expect(all.stdout).toMatch(/molecular-disassembly\s+recycling/);
    expect(all.stdout).toMatch(/pigment:carbon-black/);
    const route = await cli(['catalog', 'routes', 'mechanical']);
    expect(route.stdout).toMatch(/polymer\/PET\s+68\.0%\s+published: Plastics Recyclers Europe/);
    const json = JSON.parse((await cli(['catalog', 'materials', '--json'])).stdout) as {
      materials: unknown[];
      source: string;
    };
    expect(json.materials.length).toBeGreaterThan(30);
    expect(json.source).toMatch(/WARM Version 16/);
    const missing = await cli(['catalog', 'routes', 'teleport']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no routes entry "teleport"/);
  });
});

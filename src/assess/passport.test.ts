import { describe, expect, it } from 'vitest';
import { bottlePassport } from '../../test/helpers/passport-fixtures.js';
import { isMatterlogError } from '../ledger/errors.js';
import { assessPassport, risingNonRecyclableShare } from './assessment.js';
import { KG_PER_KG_PER_MTCO2E_PER_SHORT_TON as K } from './materials.js';
import { checkPassport, checkVersionChains, type PassportBody, passportIssues, productKey } from './passport.js';
import { ROUTES } from './routes.js';

const bottle = bottlePassport;
const mechanicalOnly = ROUTES.filter((r) => r.id === 'mechanical' || r.id === 'landfill' || r.id === 'energy-recovery');

function problems(body: unknown): string[] {
  return passportIssues(body).map((i) => `${i.pointer}: ${i.reason}`);
}

describe('passport validation', () => {
  it('accepts a well-formed passport and keys it by its 14-digit GTIN, however it was named', () => {
    expect(checkPassport(bottle())).toBeTruthy();
    expect(productKey(bottle())).toBe('04006381333931');
    const dl = bottle({ product: { digitalLink: 'https://example.com/01/04006381333931/10/LOT1' } });
    expect(productKey(checkPassport(dl))).toBe('04006381333931');
  });

  it('refuses bad passports with every problem and where it is', () => {
    const components = bottle().components;
    expect(
      problems({ ...bottle(), components: [{ ...components[0], massKg: -0.025 }, components[1], components[2]] }),
    ).toEqual(['/components/0/massKg: must be a positive number of kilograms, not -0.025']);
    const { massKg: _m, ...noMass } = components[1] as (typeof components)[number];
    expect(problems({ ...bottle(), components: [components[0], noMass, components[2]] })).toEqual([
      '/components/1/massKg: is missing: every component needs its mass',
    ]);
    expect(problems({ ...bottle(), declaredMassKg: 0.03 })).toEqual([
      '/components: the components add up to 0.028 kg, but the declared mass is 0.03 kg: a difference of 6.67%, more than the 2% tolerance',
    ]);
    expect(problems({ ...bottle(), declaredMassKg: 0.0285 })).toEqual([]); // 1.75%: within the default 2%
    expect(
      problems({
        ...bottle(),
        components: [{ ...components[0], material: 'polymer/unobtainium' }, components[1], components[2]],
      }),
    ).toEqual([
      '/components/0/material: unknown material "polymer/unobtainium"; "matterlog catalog" lists the material ids',
    ]);
    expect(
      problems({
        ...bottle(),
        components: [{ ...components[0], features: ['glitter'] }, components[1], components[2]],
      })[0],
    ).toMatch(/^\/components\/0\/features\/0: unknown design feature "glitter"/);
    expect(problems({ ...bottle(), product: { gtin: '4006381333932' } })).toEqual([
      '/product/gtin: must be a GTIN-8, -12, -13 or -14 with a correct check digit',
    ]);
    expect(problems({ ...bottle(), joins: [{ a: 'bottle', b: 'lid', method: 'glued' }] })).toEqual([
      '/joins/0/b: must name a component of this passport, not "lid"',
      '/joins/0/method: must be one of hand, shredding, inseparable',
    ]);
    try {
      checkPassport({ ...bottle(), version: '', declaredMassKg: undefined });
      expect.unreachable();
    } catch (e) {
      expect(isMatterlogError(e, 'invalid_input')).toBe(true);
      expect((e as Error).message).toMatch(
        /^the passport is not valid \(2 problems\): \/version: .*; \/declaredMassKg: is missing/,
      );
    }
  });

  it('refuses version chains that loop, name a missing version, or reuse a label', () => {
    const a = bottle({ version: 'A', replaces: 'B' });
    const b = bottle({ version: 'B', replaces: 'A' });
    expect(() => checkVersionChains([a, b])).toThrow(/the version chain loops: "A" → "B" → "A"/);
    expect(() => checkVersionChains([bottle({ version: 'v2', replaces: 'v1' })])).toThrow(
      /replaces version "v1", which does not exist/,
    );
    expect(() =>
      checkVersionChains([bottle({ version: 'v2', replaces: 'v1' })], new Set(['04006381333931@v1'])),
    ).not.toThrow();
    expect(() => checkVersionChains([bottle(), bottle()])).toThrow(/two passports labelled version "v1"/);
    expect(problems(bottle({ replaces: 'v1' }))).toEqual(['/replaces: a version cannot replace itself']);
  });
});

describe('assessing a passport: the PET bottle with mechanical recycling only', () => {
  const a = assessPassport(bottle(), mechanicalOnly);

  it('grades it, flags it, and computes the MCI from recycled content and recovery', () => {
    expect(a.recyclability.share).toBeCloseTo(0.0181925 / 0.028, 12);
    expect(a.ppwr.grade).toBe('non-recyclable');
    expect(a.flags.map((f) => f.kind)).toEqual(['low-recyclability']);
    expect(a.flags[0]?.numbers).toMatchObject({ threshold: 0.7, massKg: 0.028 });
    // Worked by hand: M = 0.028, FR = 0.3·0.025/M, CR = 1 (every part goes to mechanical recycling),
    // EC = 0.0181925/M, EF = 0.75 (default).
    const M = 0.028;
    const V = M - 0.0075;
    const WC = M - 0.0181925;
    const WF = (0.0075 * 0.25) / 0.75;
    const W = (WF + WC) / 2;
    const LFI = (V + W) / (2 * M + (WF - WC) / 2);
    expect(a.mci.V).toBeCloseTo(V, 12);
    expect(a.mci.W0).toBeCloseTo(0, 12);
    expect(a.mci.LFI).toBeCloseTo(LFI, 12);
    expect(a.mci.LFI).toBeCloseTo(0.509182, 6);
    expect(a.mci.MCI).toBeCloseTo(1 - 0.9 * LFI, 12);
    expect(a.mci.assumptions.join('; ')).toMatch(/0.75 efficiency/);
  });

  it('states end-of-life emissions of the route mix and of each route alone, from WARM v16', () => {
    // Recycled: PET −1.04, PP −0.79, mixed paper −3.55 MTCO2E per short ton.
    expect(a.emissions.bestMix.kgCo2e).toBeCloseTo((-1.04 * 0.025 - 0.79 * 0.002 - 3.55 * 0.001) * K, 12);
    expect(a.emissions.bestMix.uncoveredKg).toBe(0);
    // Landfilled: PET and PP 0.02, mixed paper 0.07.
    expect(a.emissions.byRoute['landfill']?.kgCo2e).toBeCloseTo((0.02 * 0.027 + 0.07 * 0.001) * K, 12);
    // Combusted: PET 1.24, PP 1.29, mixed paper −0.49.
    expect(a.emissions.byRoute['energy-recovery']?.kgCo2e).toBeCloseTo(
      (1.24 * 0.025 + 1.29 * 0.002 - 0.49 * 0.001) * K,
      12,
    );
  });

  it('flags a new version that is less recyclable than the one it replaces', () => {
    const v2 = bottle({
      version: 'v2',
      replaces: 'v1',
      components: bottle().components.map((c) =>
        c.id === 'bottle' ? { ...c, features: ['pigment:carbon-black'] } : c,
      ),
    });
    const b = assessPassport(v2, mechanicalOnly, { previous: a });
    const regression = b.flags.find((f) => f.kind === 'regression');
    // Black PET is not sorted: 0.002·0.7·0.95 + 0.001·0.75·0.95 = 0.0020425 of 0.028.
    expect(b.recyclability.share).toBeCloseTo(0.0020425 / 0.028, 12);
    expect(regression?.numbers).toMatchObject({ previousShare: a.recyclability.share, version: 'v2', replaces: 'v1' });
    expect(regression?.message).toMatch(/version v2 is less recyclable than version v1: 7.3% against 65.0%/);
  });
});

describe('a producer whose non-recyclable share rises', () => {
  it('is flagged with the numbers, within a tolerance, and not when it fell back', () => {
    const f = risingNonRecyclableShare([
      { period: '2024', totalKg: 1000, nonRecyclableKg: 100 },
      { period: '2025', totalKg: 1000, nonRecyclableKg: 120 },
      { period: '2026', totalKg: 2000, nonRecyclableKg: 300 },
    ]);
    expect(f?.message).toBe(
      'the share of non-recyclable mass placed on the market rose from 10.0% (2024) to 15.0% (2026)',
    );
    expect(f?.numbers).toEqual({ '2024': 0.1, '2025': 0.12, '2026': 0.15 });
    expect(
      risingNonRecyclableShare([
        { period: '2024', totalKg: 1000, nonRecyclableKg: 100 },
        { period: '2025', totalKg: 1000, nonRecyclableKg: 105 },
      ]),
    ).toBeNull();
    expect(
      risingNonRecyclableShare([
        { period: '2024', totalKg: 1000, nonRecyclableKg: 100 },
        { period: '2025', totalKg: 1000, nonRecyclableKg: 50 },
        { period: '2026', totalKg: 1000, nonRecyclableKg: 150 },
      ]),
    ).toBeNull();
  });
});

describe('the worked examples: Material Circularity Indicator from the assessment', () => {
  const passport = (
    components: PassportBody['components'],
    joins: PassportBody['joins'],
    over: Partial<PassportBody> = {},
  ) =>
    checkPassport({
      product: { gtin: '4006381333931' },
      version: 'v1',
      declaredMassKg: components.reduce((s, c) => s + c.massKg, 0),
      components,
      joins,
      ...over,
    });

  it('PET bottle (30% recycled PET), every route: bottle and cap recycled, label composted', () => {
    const a = assessPassport(bottle(), ROUTES);
    // M = 0.028; FR = 0.0075/M; to recycling 0.027 (recovered 0.0201875 + 0.001615), composted 0.001.
    const V = 0.028 - 0.0075;
    const WC = 0.027 - 0.0218025;
    const WF = (0.0075 * 0.25) / 0.75;
    const LFI = (V + (WF + WC) / 2) / (0.056 + (WF - WC) / 2); // W0 = 0
    expect(a.mci.W0).toBeCloseTo(0, 12);
    expect(a.mci.LFI).toBeCloseTo(LFI, 12);
    expect(a.mci.LFI).toBeCloseTo(0.44553, 5);
    expect(a.mci.MCI).toBeCloseTo(1 - 0.9 * LFI, 12);
  });

  it('multilayer pouch: all of it to molecular disassembly at 85%', () => {
    const a = assessPassport(
      passport(
        [
          { id: 'pet', material: 'polymer/PET', massKg: 0.003, features: ['ink:non-washable'] },
          { id: 'al', material: 'metal/aluminium', massKg: 0.001 },
          { id: 'pe', material: 'polymer/LDPE', massKg: 0.004 },
        ],
        [
          { a: 'pet', b: 'al', method: 'inseparable' },
          { a: 'al', b: 'pe', method: 'inseparable' },
        ],
      ),
      ROUTES,
    );
    // V = 0.008; W0 = 0; WC = 0.008 − 0.0068 = 0.0012; WF = 0; LFI = (0.008 + 0.0006) / (0.016 − 0.0006).
    expect(a.mci.LFI).toBeCloseTo(0.0086 / 0.0154, 12);
    expect(a.mci.MCI).toBeCloseTo(1 - (0.9 * 0.0086) / 0.0154, 12); // 0.4974
  });

  it('laptop with a glued battery, lasting 4 years where 5 is usual', () => {
    const a = assessPassport(
      passport(
        [
          { id: 'housing', material: 'polymer/ABS', massKg: 0.6 },
          { id: 'chassis', material: 'metal/aluminium-ingot', massKg: 0.4 },
          { id: 'pcb', material: 'electronics/pcb', massKg: 0.3 },
          { id: 'battery', material: 'hazardous/li-ion-battery', massKg: 0.25, features: ['hazard:lithium'] },
          { id: 'screen', material: 'glass/clear', massKg: 0.2 },
        ],
        [
          { a: 'housing', b: 'chassis', method: 'hand' },
          { a: 'chassis', b: 'pcb', method: 'hand' },
          { a: 'housing', b: 'battery', method: 'inseparable' },
          { a: 'housing', b: 'screen', method: 'shredding' },
        ],
        { lifetimeYears: 4, averageLifetimeYears: 5 },
      ),
      ROUTES,
    );
    // To recycling: chassis 0.4 and screen 0.2 (recovered 0.36 + 0.171 = 0.531). M = 1.75, FR = 0.
    // V = 1.75; W0 = 1.75 − 0.6 = 1.15; WC = 0.6 − 0.531 = 0.069; W = 1.15 + 0.0345; LFI = 2.9345 / 3.4655.
    // X = 4/5 = 0.8, F(X) = 1.125.
    expect(a.mci.X).toBeCloseTo(0.8, 12);
    expect(a.mci.LFI).toBeCloseTo(2.9345 / 3.4655, 12);
    expect(a.mci.MCI).toBeCloseTo(1 - (1.125 * 2.9345) / 3.4655, 12); // 0.0474
    expect(a.ppwr.grade).toBe('non-recyclable');
  });

  it('PE-lined paper cup: nothing recovered, fully linear', () => {
    const a = assessPassport(
      passport(
        [
          { id: 'body', material: 'fibre/paper', massKg: 0.01 },
          { id: 'lining', material: 'polymer/LDPE', massKg: 0.001 },
        ],
        [{ a: 'body', b: 'lining', method: 'inseparable' }],
      ),
      ROUTES,
    );
    // V = W = M, LFI = 2M / 2M = 1, MCI = 1 − 0.9 = 0.1.
    expect(a.mci.LFI).toBeCloseTo(1, 12);
    expect(a.mci.MCI).toBeCloseTo(0.1, 12);
    expect(a.flags.map((f) => f.kind)).toEqual(['low-recyclability']);
  });
});

describe('arithmetic at the edges', () => {
  it('a product wholly recycled never counts more than 100% collected (parts summed in another order)', () => {
    // Summed by component the mass is 1.9179999999999997 kg; summed part by part ({c0, c2}, {c1}, {c3}) it is 1.918.
    const p = checkPassport({
      product: { gtin: '4006381333931' },
      version: 'v1',
      declaredMassKg: 1.918,
      components: [
        { id: 'c0', material: 'polymer/PET', massKg: 0.912 },
        { id: 'c1', material: 'glass/clear', massKg: 0.956 },
        { id: 'c2', material: 'polymer/PP', massKg: 0.003 },
        { id: 'c3', material: 'fibre/cardboard', massKg: 0.047 },
      ],
      joins: [{ a: 'c0', b: 'c2', method: 'inseparable' }],
    });
    const a = assessPassport(p, ROUTES);
    expect(a.recyclability.parts.every((part) => part.bestRoute !== null)).toBe(true);
    expect(a.mci.W0).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { recycledContentClaims } from './claim-rule.js';

const amount = (kg: number, statements: number[], material = 'polymer/PET', year = '2045') => ({
  producer: 'bottler.example',
  material,
  year,
  kg,
  statements,
});

describe('recycled-content claims', () => {
  it('raises claims above the recovered material received, and lets ones within 2% + 1 kg pass', () => {
    // 10,000 bottles × 25 g × 30% recycled = 75 kg claimed; 60 kg of recovered PET received: 2% + 1 kg allows 62.2.
    const [f] = recycledContentClaims([amount(75, [1, 2])], [amount(60, [5])]);
    expect(f).toMatchObject({
      rule: 'recycled-content-claim',
      subject: { actor: 'bottler.example', material: 'polymer/PET', year: '2045' },
      numbers: { claimedKg: 75, suppliedKg: 60 },
      statements: [1, 2, 5],
    });
    expect(f?.numbers['allowedKg']).toBeCloseTo(62.2, 12);
    expect(recycledContentClaims([amount(62, [1])], [amount(60, [5])])).toEqual([]);
  });

  it('adds up claims and supplies per producer, material and year; no supply at all is severe', () => {
    const f = recycledContentClaims(
      [amount(30, [1]), amount(30, [2]), amount(5, [3], 'polymer/PP')],
      [amount(40, [4]), amount(19, [6])],
    );
    // PET: 60 claimed against 59 supplied (allowed 61.18): passes. PP: 5 against nothing (allowed 1): raised.
    expect(f.map((x) => [x.subject['material'], x.severity])).toEqual([['polymer/PP', 'high']]);
  });

  it('carries recycled material bought in one year into the claims of the next, but never a shortfall', () => {
    // 100 kg of recovered PET received in 2045; 40 kg claimed in 2045 leaves 60 kg for 2046,
    // where 50 kg are claimed with nothing new received: no finding. 2047 claims 30 kg against
    // the 10 kg left (allowed 10 × 1.02 + 1 = 11.2): raised, citing the earlier claims and the receipt the carried 10 kg rest on.
    const claims = [
      amount(40, [1], 'polymer/PET', '2045'),
      amount(50, [2], 'polymer/PET', '2046'),
      amount(30, [3], 'polymer/PET', '2047'),
    ];
    const [f, ...rest] = recycledContentClaims(claims, [amount(100, [9], 'polymer/PET', '2045')]);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      subject: { year: '2047' },
      numbers: { claimedKg: 30, suppliedKg: 0, carriedInKg: 10 },
      severity: 'high',
      statements: [1, 2, 3, 9],
    });
    expect(f?.numbers['allowedKg']).toBeCloseTo(11.2, 12);
    // A shortfall is not carried: after 2047's, 2048 starts from nothing, and 5 kg received covers 5 kg claimed.
    const next = recycledContentClaims(
      [...claims, amount(5, [4], 'polymer/PET', '2048')],
      [amount(100, [9], 'polymer/PET', '2045'), amount(5, [8], 'polymer/PET', '2048')],
    );
    expect(next.map((x) => x.subject['year'])).toEqual(['2047']);
    // Material received after the claims it would cover does not cover them.
    expect(
      recycledContentClaims([amount(50, [1], 'polymer/PET', '2045')], [amount(60, [2], 'polymer/PET', '2046')]).map(
        (x) => x.subject['year'],
      ),
    ).toEqual(['2045']);
  });
});

import { describe, expect, it } from 'vitest';
import { changedTolerances, checkTolerances, DEFAULT_TOLERANCES } from './tolerances.js';

describe('audit tolerances', () => {
  it('take a subset over the defaults and say which differ', () => {
    const t = checkTolerances({ massBalanceShare: 0.05, transitDays: 45 });
    expect(t).toEqual({ ...DEFAULT_TOLERANCES, massBalanceShare: 0.05, transitDays: 45 });
    expect(changedTolerances(t)).toEqual({ massBalanceShare: 0.05, transitDays: 45 });
    expect(checkTolerances(undefined)).toEqual(DEFAULT_TOLERANCES);
    expect(changedTolerances(checkTolerances({}))).toEqual({});
  });

  it('refuse unknown names, values out of range and anything but an object, saying where', () => {
    const why = (v: unknown) => {
      try {
        checkTolerances(v, 'config.json audit');
        return 'accepted';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(why({ massBalance: 0.1 })).toMatch(
      /^config\.json audit: "massBalance" is not a tolerance; the tolerances are massGainTolerance, /,
    );
    expect(why({ massBalanceShare: 2 })).toMatch(
      /massBalanceShare \(the share of what passed through a facility that may go unaccounted\) must be a number from 0 to 1, not 2/,
    );
    expect(why({ transitDays: -1 })).toMatch(/transitDays .* from 0 to 3650, not -1/);
    expect(why({ claimKg: '1' })).toMatch(/claimKg .* not "1"/);
    expect(why({ constructor: 1 })).toMatch(/"constructor" is not a tolerance/);
    expect(why([0.1])).toMatch(/must be an object such as \{"massBalanceShare": 0.02\}/);
  });
});

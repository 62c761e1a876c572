import { describe, expect, it } from 'vitest';
import { formatUtcMillis, parseTimestamp } from './timestamps.js';

describe('parseTimestamp', () => {
  it('reads RFC 3339 with any offset, rounding sub-milliseconds half-up', () => {
    expect(parseTimestamp('2020-03-04T11:00:30.000+01:00')?.epochMs).toBe(Date.UTC(2020, 2, 4, 10, 0, 30));
    expect(parseTimestamp('2023-02-02T11:04:03.1415Z')?.epochMs).toBe(Date.UTC(2023, 1, 2, 11, 4, 3, 142));
    expect(parseTimestamp('2023-02-02T11:04:03.1414Z')?.epochMs).toBe(Date.UTC(2023, 1, 2, 11, 4, 3, 141));
    expect(parseTimestamp('2023-12-31T23:59:59.9995Z')?.epochMs).toBe(Date.UTC(2024, 0, 1));
    expect(parseTimestamp('2005-04-04T20:33:31.116-06:00')?.offsetMinutes).toBe(-360);
    expect(parseTimestamp('0001-01-01T00:00:00Z')?.epochMs).toBe(-62135596800000);
    expect(formatUtcMillis(parseTimestamp('2024-02-29T00:00:00+14:00')?.epochMs ?? 0)).toBe('2024-02-28T10:00:00.000Z');
  });

  it('refuses what is not a real instant with an explicit offset', () => {
    for (const s of [
      '2020-03-04T11:00:30',
      '2020-02-30T00:00:00Z',
      '2021-02-29T00:00:00Z',
      '2016-12-31T23:59:60Z',
      '2020-03-04T24:00:00Z',
      '2020-03-04',
      '2020-03-04T11:00:30+1:00',
    ]) {
      expect(parseTimestamp(s), s).toBeNull();
    }
  });
});

/**
 * RFC 3339 timestamps as EPCIS uses them: always with an explicit offset.
 *
 * Date.parse is not used: it accepts local times without an offset, maps years
 * 0–99 to 1900–1999 and drops digits beyond milliseconds without saying how.
 * Here the instant is computed by hand and sub-millisecond digits are rounded
 * half-up, as the CBV 2.0 event hash requires (…03.1415Z → …03.142Z).
 */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|([+-])(\d{2}):(\d{2}))$/;

export interface ParsedTimestamp {
  /** Milliseconds since 1970-01-01T00:00:00Z, sub-millisecond digits rounded half-up. */
  epochMs: number;
  /** The offset the timestamp was written with, in minutes east of UTC. */
  offsetMinutes: number;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * The instant an RFC 3339 timestamp names, or null when it is malformed, names a
 * date that does not exist, is a leap second (:60 cannot be ordered reliably),
 * or has no explicit offset.
 */
export function parseTimestamp(s: string): ParsedTimestamp | null {
  const m = RFC3339.exec(s);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  // Microseconds first (as Python's datetime keeps them), then half-up to milliseconds.
  const micros = Number((m[7] ?? '').padEnd(6, '0').slice(0, 6));
  const millis = Math.floor(micros / 1000) + (micros % 1000 >= 500 ? 1 : 0);
  const days = daysFromCivil(year, month, day);
  const epochMs = ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60_000 + second * 1000 + millis;
  return { epochMs, offsetMinutes };
}

/** `YYYY-MM-DDTHH:MM:SS.mmmZ` for an instant between years 0000 and 9999. */
export function formatUtcMillis(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

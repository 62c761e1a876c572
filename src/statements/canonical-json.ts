/**
 * RFC 8785 (JSON Canonicalization Scheme) for statement texts.
 *
 * The serialisation itself is the `canonicalize` package; what is ours is the
 * refusal of values JSON cannot carry (undefined, NaN, functions, …) instead of
 * silently dropping them, and the check that a text someone else produced is
 * already canonical, so that one claim has exactly one byte form in the log.
 */
import canonicalize from 'canonicalize';
import { MatterlogError } from '../ledger/errors.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Deeper JSON than any statement or EPCIS document needs; deeper input is refused, not recursed into. */
export const MAX_JSON_DEPTH = 64;

/** Throws `invalid_input` naming the JSON pointer of the first value JSON cannot represent. */
export function assertJson(value: unknown, pointer = '', depth = 0): asserts value is JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (depth > MAX_JSON_DEPTH) throw notJson(pointer, `nested more than ${MAX_JSON_DEPTH} levels deep`);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw notJson(pointer, `${value} is not a JSON number`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      assertJson(v, `${pointer}/${i}`, depth + 1);
    });
    return;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw notJson(pointer, 'only plain objects are JSON');
    for (const [k, v] of Object.entries(value)) assertJson(v, `${pointer}/${escapePointer(k)}`, depth + 1);
    return;
  }
  throw notJson(pointer, `a ${typeof value} is not JSON`);
}

function notJson(pointer: string, why: string): MatterlogError {
  return new MatterlogError('invalid_input', `not JSON at "${pointer || '/'}": ${why}`, {
    details: { errors: [{ pointer, reason: why }] },
  });
}

export function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The RFC 8785 form of `value`. */
export function canonicalJson(value: unknown): string {
  assertJson(value);
  const text = canonicalize(value);
  if (text === undefined) throw new MatterlogError('invalid_input', 'the value has no JSON form');
  return text;
}

/**
 * Parses `text` and checks it is exactly the canonical form of what it holds:
 * sorted keys, no white space, shortest numbers, minimal escapes, no duplicate keys.
 */
export function parseCanonicalJson(text: string, what: string): JsonValue {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new MatterlogError('invalid_input', `${what} is not JSON: ${(cause as Error).message}`, { cause });
  }
  const canonical = canonicalJson(value);
  if (canonical !== text) {
    const at = firstDifference(canonical, text);
    throw new MatterlogError(
      'invalid_input',
      `${what} is not RFC 8785 canonical JSON (first difference at character ${at}: expected ${JSON.stringify(canonical.slice(at, at + 24))}, found ${JSON.stringify(text.slice(at, at + 24))}); serialise it with an RFC 8785 library`,
      { details: { offset: at } },
    );
  }
  return value as JsonValue;
}

function firstDifference(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Refuses JSON nested deeper than MAX_JSON_DEPTH, without recursion (so hostile depth cannot overflow the stack). */
export function checkJsonDepth(value: unknown, what: string): void {
  const stack: [unknown, number, string][] = [[value, 0, '']];
  while (stack.length > 0) {
    const [v, d, pointer] = stack.pop() as [unknown, number, string];
    if (typeof v !== 'object' || v === null) continue;
    if (d > MAX_JSON_DEPTH) {
      throw new MatterlogError(
        'invalid_input',
        `${what} is nested more than ${MAX_JSON_DEPTH} levels deep at ${pointer}`,
        {
          details: { errors: [{ pointer, reason: `nested more than ${MAX_JSON_DEPTH} levels deep` }] },
        },
      );
    }
    for (const [k, child] of Object.entries(v)) stack.push([child, d + 1, `${pointer}/${escapePointer(k)}`]);
  }
}

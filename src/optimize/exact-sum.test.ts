import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExactSum, exactSum, twoProduct } from './exact-sum.js';

describe('exact sums', () => {
  it('sums what plain addition loses', () => {
    expect(exactSum([1e16, 1, -1e16])).toBe(1);
    expect([1e16, 1, -1e16].reduce((a, b) => a + b, 0)).toBe(0);
    expect(exactSum(Array(10).fill(0.1))).toBe(1);
    expect(exactSum([2 ** 60, 3, -(2 ** 60), 0.5])).toBe(3.5);
  });

  it('splits products exactly', () => {
    const [p, e] = twoProduct(0.1, 0.3);
    // 0.1 × 0.3 in binary is not a double; hi + lo holds it exactly: check with BigInt rationals.
    const exact = (x: number) => {
      const buf = new DataView(new ArrayBuffer(8));
      buf.setFloat64(0, x);
      const bits = buf.getBigUint64(0);
      const exp = Number((bits >> 52n) & 0x7ffn) - 1075;
      const mant = (bits & ((1n << 52n) - 1n)) | (1n << 52n);
      return { mant: x < 0 ? -mant : mant, exp };
    };
    const a = exact(0.1);
    const b = exact(0.3);
    const P = exact(p);
    const E = exact(e);
    const lhs = a.mant * b.mant; // × 2^(a.exp + b.exp)
    const scale = (m: bigint, from: number, to: number) => m * 2n ** BigInt(from - to);
    const to = Math.min(P.exp, E.exp, a.exp + b.exp);
    expect(scale(P.mant, P.exp, to) + scale(E.mant, E.exp, to)).toBe(scale(lhs, a.exp + b.exp, to));
  });

  it('equals the exact sum of products, rounded once: integers checked against BigInt (property)', () => {
    const big = fc.integer({ min: -(2 ** 40), max: 2 ** 40 });
    fc.assert(
      fc.property(fc.array(fc.tuple(big, big), { maxLength: 60 }), (pairs) => {
        const s = new ExactSum();
        let exact = 0n;
        for (const [a, b] of pairs) {
          s.addProduct(a, b);
          exact += BigInt(a) * BigInt(b);
        }
        expect(s.value()).toBe(Number(exact));
      }),
    );
  });

  it('does not depend on the order of the terms (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: -1e6, max: 1e6, noNaN: true })),
          {
            maxLength: 50,
          },
        ),
        (pairs) => {
          const s = new ExactSum();
          for (const [a, b] of pairs) s.addProduct(a, b);
          // Reference: the same through a sum of 2^-2200-scaled BigInts is overkill; instead, order must not matter.
          const r = new ExactSum();
          for (const [a, b] of [...pairs].reverse()) r.addProduct(a, b);
          expect(s.value()).toBe(r.value());
        },
      ),
    );
  });
});

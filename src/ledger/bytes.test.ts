import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesEqual, fromBase64, fromHex, fromUtf8, toBase64, toHex } from './bytes.js';

describe('base64 (RFC 4648 section 4)', () => {
  it('round-trips any bytes and agrees with Node', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        const s = toBase64(b);
        expect(s).toBe(Buffer.from(b).toString('base64'));
        expect(bytesEqual(fromBase64(s), b)).toBe(true);
      }),
    );
  });

  it('rejects what has another encoding or none', () => {
    for (const bad of ['A', 'AA', 'AAA', 'AB==', 'AAB=', 'A===', '====', 'AA=A', 'AA-_', 'QQ==QQ==', ' QQ==']) {
      expect(() => fromBase64(bad), bad).toThrow(/base64/);
    }
    expect(toHex(fromBase64('AA=='))).toBe('00');
    expect(toHex(fromBase64('AAE='))).toBe('0001');
  });
});

describe('hex and UTF-8', () => {
  it('round-trips hex and rejects odd or non-hex strings', () => {
    expect(toHex(fromHex('00ff10'))).toBe('00ff10');
    expect(() => fromHex('0')).toThrow();
    expect(() => fromHex('zz')).toThrow();
  });

  it('rejects invalid UTF-8 instead of substituting', () => {
    expect(() => fromUtf8(new Uint8Array([0xc3, 0x28]))).toThrow(/UTF-8/);
    expect(fromUtf8(new Uint8Array([0xe2, 0x80, 0x94]))).toBe('\u2014');
  });
});

/**
 * GS1 identifiers products are named by (GTINs, GS1 Digital Link URIs), checked
 * here because several layers need them: passports name products by them, EPCIS
 * events carry them.
 */

/** GS1 General Specifications 7.9.1 mod-10 check digit of the digits before it. */
export function gs1CheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(digits.length - 1 - i) - 48;
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return (10 - (sum % 10)) % 10;
}

/** A GTIN-8, -12, -13 or -14 with a correct check digit, as 14 digits; null otherwise. */
export function normaliseGtin(gtin: string): string | null {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(gtin)) return null;
  const padded = gtin.padStart(14, '0');
  return gs1CheckDigit(padded.slice(0, 13)) === Number(padded[13]) ? padded : null;
}

/** The GTIN in a GS1 Digital Link URI (`https://<any domain>/…/01/<gtin>…`), normalised; null if none or invalid. */
export function digitalLinkGtin(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const m = /\/01\/(\d{8,14})(?:\/|$)/.exec(url.pathname);
  return m ? normaliseGtin(m[1] as string) : null;
}

// The serial or lot after the second dot may itself hold dots (TDS 2.0 allows them); it may not be empty.
const SGTIN_URN = /^urn:epc:(?:id:sgtin|idpat:sgtin|class:lgtin):(\d+)\.(\d+)\.(.+)$/;

/**
 * The GTIN-14 an EPC or EPC class names: an SGTIN (`urn:epc:id:sgtin:…`), an
 * SGTIN pattern (`urn:epc:idpat:sgtin:…`), an LGTIN class, or a GS1 Digital
 * Link with a GTIN (TDS 2.0 §6.3.1: indicator digit, company prefix, item
 * reference, then the check digit); null for anything else.
 */
export function gtinOfEpc(epc: string): string | null {
  const m = SGTIN_URN.exec(epc);
  if (!m) return epc.startsWith('http') ? digitalLinkGtin(epc) : null;
  const prefix = m[1] as string;
  const itemRef = m[2] as string;
  if (prefix.length + itemRef.length !== 13 || prefix.length < 6 || prefix.length > 12) return null;
  const body = `${itemRef[0]}${prefix}${itemRef.slice(1)}`;
  return `${body}${gs1CheckDigit(body)}`;
}

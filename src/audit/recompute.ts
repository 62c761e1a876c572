/**
 * Redoing a finding's arithmetic from the statements of its evidence bundle
 * alone: the same rule runs over those statements (compositions from their
 * ILMD and passports, registration and revocation times from the registry
 * statements), and the finding must come out again with the same numbers.
 * Rules that rest on something a bundle cannot prove (that a facility is not
 * registered: inclusion proofs show presence, never absence) say so.
 */
import { designOf, type PassportBody, passportComposition } from '../assess/passport.js';
import { assessRecyclability } from '../assess/recyclability.js';
import { ROUTES } from '../assess/routes.js';
import { toHex } from '../ledger/bytes.js';
import { parseVerifierKey } from '../ledger/note.js';
import type { RevocationBody } from '../statements/bodies.js';
import { canonicalJson } from '../statements/canonical-json.js';
import { gtinOfEpc, normaliseGtin } from '../statements/gs1.js';
import { type AuditedEvent, addIlmdCompositions } from './audited-event.js';
import { claimsAndSupplies, recycledContentClaims } from './claim-rule.js';
import type { RegistryFacts } from './event-rules.js';
import { eventFindings } from './event-rules.js';
import { MAX_CITED, massBalance, overdrawnLots, unreceivedShipments } from './flow-rules.js';
import { flowsOf } from './flows.js';
import { type AuditTolerances, DEFAULT_TOLERANCES } from './tolerances.js';
import { impossibleYields } from './yield-rule.js';

export interface FindingClaim {
  rule: string;
  subject: Record<string, string>;
  numbers: Record<string, number>;
}

export interface Recomputed {
  /** False when the rule cannot be redone from a bundle; `why` says what is missing. */
  recomputed: boolean;
  matches: boolean;
  why: string;
}

/** Compositions of the classes the statements speak of: ILMD first, else the product's passport. */
export function compositionsOf(statements: readonly AuditedEvent[]): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  const passports = new Map<string, PassportBody>();
  const classes = new Set<string>();
  for (const s of statements) {
    if (s.kind === 'passport') {
      const p = s.body as unknown as PassportBody;
      const gtin = p.product.gtin ? normaliseGtin(p.product.gtin) : null;
      if (gtin) passports.set(gtin, p);
      continue;
    }
    if (!s.event) continue;
    for (const c of s.event.fields.classes) if (c.field !== 'childQuantity') classes.add(c.epcClass);
    addIlmdCompositions(s, out);
  }
  for (const c of classes) {
    if (out.has(c)) continue;
    const g = gtinOfEpc(c);
    const p = g ? passports.get(g) : undefined;
    if (p) out.set(c, passportComposition(p));
  }
  return out;
}

/** Registration and revocation times from the bundle's registry statements. */
export function factsOf(registry: readonly AuditedEvent[]): RegistryFacts {
  const registeredMs = new Map<string, number>();
  const revokedMs = new Map<string, { fromMs: number; index: number }>();
  for (const r of registry) {
    if (r.kind === 'actor') {
      const name = (r.body as { name: string }).name;
      registeredMs.set(name, Math.min(registeredMs.get(name) ?? Number.POSITIVE_INFINITY, r.issuedMs));
    } else if (r.kind === 'revocation') {
      const b = r.body as unknown as RevocationBody;
      const key = `${b.name} ${toHex(parseVerifierKey(b.vkey).keyId)}`;
      const fromMs = Date.parse(b.from);
      const held = revokedMs.get(key);
      if (!held || fromMs < held.fromMs) revokedMs.set(key, { fromMs, index: r.index });
    }
  }
  return { registeredMs, revokedMs };
}

const sameNumbers = (a: Record<string, number>, b: Record<string, number>) =>
  Object.keys(a).length === Object.keys(b).length &&
  Object.entries(a).every(([k, v]) => {
    const w = b[k];
    return typeof w === 'number' && Math.abs(v - w) <= 1e-9 * Math.max(1, Math.abs(v));
  });

export function recomputeFinding(
  claim: FindingClaim,
  statements: readonly AuditedEvent[],
  registry: readonly AuditedEvent[],
  t: AuditTolerances = DEFAULT_TOLERANCES,
): Recomputed {
  const compositions = compositionsOf(statements);
  const flows = () => flowsOf(statements);
  let again: FindingClaim[];
  switch (claim.rule) {
    case 'transformation-mass-gain':
    case 'dated-before-registration':
    case 'dated-after-revocation':
      again = eventFindings(statements, factsOf(registry), t);
      break;
    case 'impossible-yield':
      again = impossibleYields(statements, compositions, t.yieldTolerance);
      break;
    case 'mass-balance':
      again = massBalance(flows(), compositions, t).findings;
      break;
    case 'overdrawn-lot':
      again = overdrawnLots(flows(), t);
      break;
    case 'shipment-not-received':
      again = unreceivedShipments(flows(), new Map(), t).filter((f) => f.rule === claim.rule);
      break;
    case 'recycled-content-claim': {
      const events = statements.filter((x) => x.kind === 'epcis.event');
      const passports = statements.filter((x) => x.kind === 'passport');
      const { claims, supplies } = claimsAndSupplies(
        events,
        passports,
        new Set([claim.subject['actor'] ?? '']),
        compositions,
      );
      again = recycledContentClaims(claims, supplies, { share: t.claimShare, kg: t.claimKg });
      break;
    }
    case 'non-recyclable-design': {
      const p = statements.find((s) => s.kind === 'passport');
      if (!p) return { recomputed: false, matches: false, why: 'the bundle holds no passport to assess' };
      const share = Math.min(
        1,
        assessRecyclability(designOf(p.body as unknown as PassportBody), { routes: ROUTES }).share,
      );
      again = [{ rule: claim.rule, subject: claim.subject, numbers: { share, threshold: 0.7 } }];
      break;
    }
    default:
      return {
        recomputed: false,
        matches: false,
        why: `a "${claim.rule}" finding rests on what inclusion proofs cannot show (that something is absent from the log, or the whole portfolio); check it against the log`,
      };
  }
  const subject = canonicalJson(claim.subject);
  const match = again.find((f) => f.rule === claim.rule && canonicalJson(f.subject) === subject);
  // A finding whose numbers rest on more statements than it may cite carries only the first
  // MAX_CITED: a sum redone from those alone cannot come out the same, which proves nothing either way.
  // Counted over the bundle's proved statements of every kind (passports too), never the finding's own word.
  const capped = statements.length >= MAX_CITED;
  if (capped && (!match || !sameNumbers(claim.numbers, match.numbers))) {
    return {
      recomputed: false,
      matches: false,
      why: `this "${claim.rule}" finding rests on more statements than the ${MAX_CITED} a bundle cites, so its sum cannot be redone from the bundle; check it against the log`,
    };
  }
  if (!match)
    return { recomputed: true, matches: false, why: `the bundle's statements do not raise this ${claim.rule} finding` };
  if (!sameNumbers(claim.numbers, match.numbers)) {
    return {
      recomputed: true,
      matches: false,
      why: `recomputed from the bundle: ${JSON.stringify(match.numbers)}, not the finding's ${JSON.stringify(claim.numbers)}`,
    };
  }
  return {
    recomputed: true,
    matches: true,
    why: `recomputed from the bundle's statements: ${JSON.stringify(match.numbers)}`,
  };
}

import { describe, expect, it } from 'vitest';
import { isMatterlogError } from '../ledger/errors.js';
import { ed25519NoteKey } from '../ledger/note.js';
import type { JsonValue } from './canonical-json.js';
import { ActorRegistry } from './registry.js';
import type { Role, StatementKind } from './roles.js';
import { parseStatement, signStatement } from './statement.js';

const key = (name: string, n: number) => ed25519NoteKey(name, new Uint8Array(32).fill(n));
const operator = key('log.example/operator', 1);
const gateway = key('log.example/capture-gateway', 2);
const recycler = key('recycler.example/plant-7', 3);
const recycler2 = key('recycler.example/plant-7', 4);
const auditor = key('auditor.example', 5);
const T0 = '2045-03-01T10:00:00Z';
const EVENT_ID = `ni:///sha-256;${'b'.repeat(64)}?ver=CBV2.0`;

function stmt(
  signer: ReturnType<typeof key>,
  kind: StatementKind,
  body: Record<string, JsonValue>,
  issued = T0,
  issuer: string | string[] = signer.signer.name,
) {
  return parseStatement(signStatement({ v: 1, kind, issuer, issued, body }, [signer.signer]));
}

function register(reg: ActorRegistry, who: ReturnType<typeof key>, role: Role, index: number): void {
  const s = stmt(operator, 'actor', { name: who.signer.name, role, vkey: who.vkey });
  reg.check(s);
  reg.apply(s, index);
}

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isMatterlogError(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'accepted';
}

function registry(): ActorRegistry {
  const reg = new ActorRegistry({ name: operator.signer.name, vkey: operator.vkey });
  register(reg, recycler, 'recycler', 0);
  register(reg, gateway, 'gateway', 1);
  register(reg, auditor, 'auditor', 2);
  return reg;
}

const event = (extra: Record<string, JsonValue> = {}) => ({
  event: { type: 'ObjectEvent' },
  eventID: EVENT_ID,
  ...extra,
});

describe('the actor registry', () => {
  it('accepts a registered actor signing what its role may state', () => {
    expect(registry().check(stmt(recycler, 'epcis.event', event()))).toMatchObject({
      actor: 'recycler.example/plant-7',
      custody: 'self',
    });
  });

  it('refuses unknown actors, unknown keys and altered statements, saying which', () => {
    const reg = registry();
    const stranger = key('stranger.example', 9);
    expect(refusal(() => reg.check(stmt(stranger, 'epcis.event', event())))).toMatch(
      /forbidden: "stranger.example" is not a registered actor/,
    );
    expect(refusal(() => reg.check(stmt(recycler2, 'epcis.event', event())))).toMatch(
      /invalid_signature: .*signed with key [0-9a-f]{8}, which is not registered/,
    );
    const good = signStatement({ v: 1, kind: 'epcis.event', issuer: recycler.signer.name, issued: T0, body: event() }, [
      recycler.signer,
    ]);
    const altered = good.replace('ObjectEvent', 'ObjectEvenT');
    expect(refusal(() => reg.check(parseStatement(altered)))).toMatch(
      /invalid_signature: the signature of .* does not verify/,
    );
  });

  it("enforces the role table, including revocations only of one's own keys", () => {
    const reg = registry();
    expect(refusal(() => reg.check(stmt(auditor, 'epcis.event', event())))).toMatch(
      /forbidden: "auditor.example" is a auditor; a epcis.event statement may be issued by: gateway, producer, collector, recycler/,
    );
    expect(
      refusal(() =>
        reg.check(stmt(recycler, 'actor', { name: 'x.example', role: 'operator', vkey: key('x.example', 7).vkey })),
      ),
    ).toMatch(/forbidden: .* a actor statement may be issued by: operator/);
    const own = { name: recycler.signer.name, vkey: recycler.vkey, from: T0, reason: 'lost laptop' };
    expect(reg.check(stmt(recycler, 'revocation', own)).actor).toBe(recycler.signer.name);
    const other = { name: auditor.signer.name, vkey: auditor.vkey, from: T0, reason: 'spite' };
    expect(refusal(() => reg.check(stmt(recycler, 'revocation', other)))).toMatch(/only about itself/);
  });

  it('a revoked key signs nothing issued from the revocation time, nor anything submitted after it', () => {
    const reg = registry();
    const rev = stmt(operator, 'revocation', {
      name: recycler.signer.name,
      vkey: recycler.vkey,
      from: '2045-03-02T00:00:00Z',
      reason: 'key stolen',
    });
    reg.check(rev);
    reg.apply(rev, 5);
    // Issued before the revocation: fine when replaying the log…
    expect(reg.check(stmt(recycler, 'epcis.event', event())).actor).toBe(recycler.signer.name);
    // …but not as a new submission once the key is revoked: a thief can backdate.
    expect(refusal(() => reg.check(stmt(recycler, 'epcis.event', event()), { nowMs: Date.UTC(2045, 2, 3) }))).toMatch(
      /forbidden: the key [0-9a-f]{8} of "recycler.example\/plant-7" is revoked from 2045-03-02T00:00:00.000Z/,
    );
    expect(refusal(() => reg.check(stmt(recycler, 'epcis.event', event(), '2045-03-02T00:00:00Z')))).toMatch(/revoked/);
    // A new key registered for the same actor works.
    const add = stmt(operator, 'actor', { name: recycler2.signer.name, role: 'recycler', vkey: recycler2.vkey });
    reg.apply(add, 6);
    expect(reg.check(stmt(recycler2, 'epcis.event', event(), '2045-03-05T00:00:00Z')).actor).toBe(recycler.signer.name);
  });

  it('refuses statements from the future beyond the clock skew', () => {
    const reg = registry();
    const now = Date.parse(T0);
    expect(
      reg.check(stmt(recycler, 'epcis.event', event(), '2045-03-01T10:04:59Z'), { nowMs: now }).actor,
    ).toBeTruthy();
    expect(
      refusal(() =>
        reg.check(stmt(recycler, 'epcis.event', event(), '2045-03-01T10:05:01Z'), { nowMs: now, skewMs: 300_000 }),
      ),
    ).toMatch(/invalid_input: issued 2045-03-01T10:05:01Z is in the future/);
  });

  it('tells custodial events from self-signed ones, and only the gateway speaks for others', () => {
    const reg = registry();
    expect(reg.check(stmt(gateway, 'epcis.event', event({ onBehalfOf: recycler.signer.name })))).toMatchObject({
      actor: recycler.signer.name,
      custody: 'gateway',
    });
    expect(refusal(() => reg.check(stmt(gateway, 'epcis.event', event())))).toMatch(/must name body.onBehalfOf/);
    expect(refusal(() => reg.check(stmt(gateway, 'epcis.event', event({ onBehalfOf: auditor.signer.name }))))).toMatch(
      /"auditor.example" is a auditor and may not record EPCIS events/,
    );
    expect(refusal(() => reg.check(stmt(recycler, 'epcis.event', event({ onBehalfOf: auditor.signer.name }))))).toMatch(
      /only the capture gateway/,
    );
  });

  it('protects the root operator key, which comes from configuration', () => {
    const reg = registry();
    const revokeRoot = stmt(operator, 'revocation', {
      name: operator.signer.name,
      vkey: operator.vkey,
      from: T0,
      reason: 'x',
    });
    expect(refusal(() => reg.check(revokeRoot))).toMatch(/root operator key cannot be revoked/);
    const hijack = stmt(operator, 'actor', {
      name: operator.signer.name,
      role: 'operator',
      vkey: key(operator.signer.name, 8).vkey,
    });
    expect(refusal(() => reg.check(hijack))).toMatch(/root operator/);
  });

  it('checks bodies field by field', () => {
    const reg = registry();
    expect(refusal(() => reg.check(stmt(operator, 'actor', { name: 'a.example', role: 'king', vkey: 'x' })))).toMatch(
      /body.role must be one of operator, gateway/,
    );
    expect(
      refusal(() => reg.check(stmt(operator, 'actor', { name: 'a.example', role: 'producer', vkey: recycler.vkey }))),
    ).toMatch(/body.vkey is named "recycler.example\/plant-7"; an actor's key carries the actor's name "a.example"/);
    expect(refusal(() => reg.check(stmt(recycler, 'epcis.event', { event: {}, eventID: 'urn:uuid:1' })))).toMatch(
      /body.eventID must be the CBV 2.0 event hash ID/,
    );
    expect(refusal(() => reg.check(stmt(recycler, 'finding', {})))).toMatch(
      /a finding statement may be issued by: auditor/,
    );
  });

  it('a joint statement is accepted only with every issuer registered and signing', () => {
    const reg = registry();
    const collector = key('collector.example/depot-1', 6);
    register(reg, collector, 'collector', 7);
    const joint = {
      v: 1 as const,
      kind: 'epcis.event' as const,
      issuer: [collector.signer.name, recycler.signer.name],
      issued: T0,
      body: event(),
    };
    const both = parseStatement(signStatement(joint, [collector.signer, recycler.signer]));
    expect(reg.check(both).actor).toBe(collector.signer.name);
    expect(refusal(() => parseStatement(signStatement(joint, [collector.signer])))).toMatch(/not signed by "recycler/);
  });
});

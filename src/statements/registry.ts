/**
 * The actor registry: who may sign what, as the log itself says it.
 *
 * Its one root of trust is the operator's key, which the log's configuration
 * publishes (like the log key). Every other actor exists because an `actor`
 * statement signed by an operator registered it; a `revocation` statement
 * retires one of its keys from a given time. The registry is rebuilt by
 * applying the log's statements in order, so the same log always yields the
 * same registry, and a statement is judged by the registry as it stood just
 * before that statement's position in the log.
 */
import { bytesEqual, toHex, utf8 } from '../ledger/bytes.js';
import { MatterlogError } from '../ledger/errors.js';
import { type NoteVerifier, parseVerifierKey, verifierFromVkey } from '../ledger/note.js';
import { type ActorBody, checkBody, type EpcisEventBody, type RevocationBody } from './bodies.js';
import { permission, type Role, rolesFor } from './roles.js';
import { type ParsedStatement, parseUtcTime } from './statement.js';

export interface RegisteredKey {
  vkey: string;
  verifier: NoteVerifier;
  /** The raw Ed25519 public key, for verifying elsewhere (a worker thread). */
  publicKey: Uint8Array;
  /** Log index of the registering statement (-1 for the root operator key). */
  index: number;
  validFromMs: number;
  revokedFromMs: number | null;
  revokedIndex: number | null;
}

export interface RegisteredActor {
  name: string;
  role: Role;
  index: number;
  issuedMs: number;
  keys: RegisteredKey[];
}

/** What a checked statement means. */
export interface Accepted {
  /** The actor the statement speaks for: its (first) issuer, or whom a gateway captured for. */
  actor: string;
  custody: 'self' | 'gateway';
  /** The verifier keys whose signatures were checked. */
  keys: string[];
}

export interface CheckOptions {
  /**
   * The submission time. Refuses statements issued more than `skewMs` after it,
   * and any signature by a key already revoked at this time (a stolen key can
   * backdate, so a revoked key signs nothing new whatever date it writes).
   * Absent when replaying the log, where only the statement's own date counts.
   */
  nowMs?: number;
  skewMs?: number;
  /**
   * Verifier keys already known to have signed exactly this text (checked moments
   * ago by the same process): their signatures are not verified again.
   */
  verified?: ReadonlySet<string>;
}

/** Registry changes a statement made, for the read model. */
export interface RegistryChange {
  actor?: { name: string; role: Role; index: number; issuedMs: number };
  key?: { actor: string; vkey: string; index: number; validFromMs: number };
  revocation?: { actor: string; vkey: string; fromMs: number; index: number };
}

/** An actor as stored outside the registry (the read model): keys without their verifiers. */
export interface ActorSnapshot {
  name: string;
  role: Role;
  index: number;
  issuedMs: number;
  keys: {
    vkey: string;
    index: number;
    validFromMs: number;
    revokedFromMs: number | null;
    revokedIndex: number | null;
  }[];
}

export interface RootOperator {
  name: string;
  vkey: string;
}

export class ActorRegistry {
  private readonly actors = new Map<string, RegisteredActor>();

  constructor(readonly root: RootOperator) {
    this.actors.set(root.name, {
      name: root.name,
      role: 'operator',
      index: -1,
      issuedMs: 0,
      keys: [
        {
          vkey: root.vkey,
          verifier: verifierFromVkey(root.vkey),
          publicKey: parseVerifierKey(root.vkey).publicKey,
          index: -1,
          validFromMs: 0,
          revokedFromMs: null,
          revokedIndex: null,
        },
      ],
    });
  }

  /** The registered key a signature names (by actor and key ID), if any. */
  keyFor(sig: { name: string; keyId: Uint8Array }): RegisteredKey | undefined {
    return this.actors.get(sig.name)?.keys.find((k) => bytesEqual(k.verifier.keyId, sig.keyId));
  }

  get(name: string): RegisteredActor | undefined {
    return this.actors.get(name);
  }

  list(): RegisteredActor[] {
    return [...this.actors.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** A copy to try a batch against without touching this one. */
  clone(): ActorRegistry {
    const c = new ActorRegistry(this.root);
    for (const [n, a] of this.actors) c.actors.set(n, { ...a, keys: a.keys.map((k) => ({ ...k })) });
    return c;
  }

  /**
   * Checks signatures, keys, roles and the body of a parsed statement. Throws
   * `invalid_signature`, `forbidden` or `invalid_input` with a specific message.
   */
  check(s: ParsedStatement, options: CheckOptions = {}): Accepted {
    const { nowMs, skewMs = 300_000 } = options;
    if (nowMs !== undefined && s.issuedMs > nowMs + skewMs) {
      throw new MatterlogError(
        'invalid_input',
        `issued ${s.statement.issued} is in the future (this server's clock says ${new Date(nowMs).toISOString()}, allowing ${skewMs / 1000} s of skew); check the signer's clock`,
      );
    }
    checkBody(s.statement);
    // Encoded only when a signature must be verified here (usually a worker already did).
    let msg: Uint8Array | null = null;
    const keys: string[] = [];
    for (const sig of s.signatures) {
      const actor = this.actors.get(sig.name);
      if (!actor) {
        throw new MatterlogError(
          'forbidden',
          `"${sig.name}" is not a registered actor; an operator registers it with "matterlog actor add"`,
          { details: { reason: 'unknown_actor', actor: sig.name } },
        );
      }
      const key = actor.keys.find((k) => bytesEqual(k.verifier.keyId, sig.keyId));
      if (!key) {
        throw new MatterlogError(
          'invalid_signature',
          `"${sig.name}" signed with key ${toHex(sig.keyId)}, which is not registered for it (registered: ${actor.keys.map((k) => toHex(k.verifier.keyId)).join(', ')})`,
          { details: { reason: 'unknown_key', actor: sig.name, keyId: toHex(sig.keyId) } },
        );
      }
      if (!options.verified?.has(key.vkey)) {
        msg ??= utf8(s.text);
        if (!key.verifier.verify(msg, sig.signature)) {
          throw new MatterlogError(
            'invalid_signature',
            `the signature of "${sig.name}" does not verify: the statement was changed after signing, or signed wrongly`,
            { details: { reason: 'bad_signature', actor: sig.name } },
          );
        }
      }
      if (key.revokedFromMs !== null && (s.issuedMs >= key.revokedFromMs || (nowMs ?? -1) >= key.revokedFromMs)) {
        throw new MatterlogError(
          'forbidden',
          `the key ${toHex(key.verifier.keyId)} of "${sig.name}" is revoked from ${new Date(key.revokedFromMs).toISOString()}; sign with a current key`,
          {
            details: { reason: 'revoked_key', actor: sig.name, revokedFrom: new Date(key.revokedFromMs).toISOString() },
          },
        );
      }
      this.checkRole(actor, s);
      keys.push(key.vkey);
    }
    return { ...this.meaning(s, nowMs), keys };
  }

  private checkRole(actor: RegisteredActor, s: ParsedStatement): void {
    const kind = s.statement.kind;
    const may = permission(actor.role, kind);
    if (may === null) {
      throw new MatterlogError(
        'forbidden',
        `"${actor.name}" is a ${actor.role}; a ${kind} statement may be issued by: ${rolesFor(kind).join(', ')}`,
        { details: { reason: 'wrong_role', actor: actor.name, role: actor.role } },
      );
    }
    if (may === 'own' && (s.statement.body as { name?: unknown }).name !== actor.name) {
      throw new MatterlogError('forbidden', `a ${actor.role} may issue a ${kind} only about itself`, {
        details: { reason: 'wrong_role', actor: actor.name, role: actor.role },
      });
    }
  }

  private meaning(s: ParsedStatement, nowMs: number | undefined): Omit<Accepted, 'keys'> {
    const first = s.issuers[0] as string;
    const body = s.statement.body as Record<string, unknown>;
    if (s.statement.kind === 'actor') this.checkActorChange(body as unknown as ActorBody);
    if (s.statement.kind === 'revocation') this.checkRevocation(body as unknown as RevocationBody);
    if (s.statement.kind !== 'epcis.event') return { actor: first, custody: 'self' };
    const onBehalfOf = (body as unknown as EpcisEventBody).onBehalfOf;
    const issuerRole = this.actors.get(first)?.role;
    if (issuerRole === 'gateway') {
      if (onBehalfOf === undefined) {
        throw new MatterlogError('invalid_input', 'an event signed by the capture gateway must name body.onBehalfOf');
      }
      const target = this.actors.get(onBehalfOf);
      if (!target) {
        throw new MatterlogError('forbidden', `body.onBehalfOf "${onBehalfOf}" is not a registered actor`, {
          details: { reason: 'unknown_actor', actor: onBehalfOf },
        });
      }
      const live = (k: RegisteredKey) =>
        k.revokedFromMs === null || (s.issuedMs < k.revokedFromMs && (nowMs ?? -1) < k.revokedFromMs);
      if (!target.keys.some(live)) {
        throw new MatterlogError(
          'forbidden',
          `every key of "${onBehalfOf}" is revoked; the gateway captures only for actors with a live key`,
          { details: { reason: 'revoked_key', actor: onBehalfOf } },
        );
      }
      if (permission(target.role, 'epcis.event') === null || target.role === 'gateway') {
        throw new MatterlogError('forbidden', `"${onBehalfOf}" is a ${target.role} and may not record EPCIS events`, {
          details: { reason: 'wrong_role', actor: onBehalfOf, role: target.role },
        });
      }
      return { actor: onBehalfOf, custody: 'gateway' };
    }
    if (onBehalfOf !== undefined) {
      throw new MatterlogError('forbidden', 'only the capture gateway records events on behalf of another actor', {
        details: { reason: 'wrong_role', actor: first },
      });
    }
    return { actor: first, custody: 'self' };
  }

  private checkActorChange(body: ActorBody): void {
    if (body.name === this.root.name && (body.role !== 'operator' || body.vkey !== this.root.vkey)) {
      throw new MatterlogError(
        'forbidden',
        `"${body.name}" is the log's root operator; its role and key come from the log's configuration`,
        { details: { reason: 'root_operator' } },
      );
    }
  }

  private checkRevocation(body: RevocationBody): void {
    const actor = this.actors.get(body.name);
    if (!actor?.keys.some((k) => k.vkey === body.vkey)) {
      throw new MatterlogError('invalid_input', `"${body.name}" has no registered key ${body.vkey}`, {
        details: { reason: 'unknown_key', actor: body.name },
      });
    }
    if (body.name === this.root.name && body.vkey === this.root.vkey) {
      throw new MatterlogError(
        'forbidden',
        "the root operator key cannot be revoked through the log: it is the log's configured root of trust",
        { details: { reason: 'root_operator' } },
      );
    }
  }

  /** Applies an accepted statement at log index `index`; returns what changed. */
  apply(s: ParsedStatement, index: number): RegistryChange {
    const body = s.statement.body as Record<string, unknown>;
    if (s.statement.kind === 'actor') {
      const b = body as unknown as ActorBody;
      const existing = this.actors.get(b.name);
      const change: RegistryChange = {};
      const actor: RegisteredActor = existing ?? { name: b.name, role: b.role, index, issuedMs: s.issuedMs, keys: [] };
      // The root operator exists before the log says so (index -1); its own actor
      // statement is what records it in the log, so that counts as a registration.
      if (!existing || existing.role !== b.role || existing.index < 0) {
        actor.role = b.role;
        actor.index = index;
        actor.issuedMs = s.issuedMs;
        change.actor = { name: b.name, role: b.role, index, issuedMs: s.issuedMs };
      }
      this.actors.set(b.name, actor);
      const rootKey = actor.keys.find((k) => k.vkey === b.vkey && k.index < 0);
      if (rootKey) {
        rootKey.index = index;
        change.key = { actor: b.name, vkey: b.vkey, index, validFromMs: rootKey.validFromMs };
      } else if (!actor.keys.some((k) => k.vkey === b.vkey)) {
        actor.keys.push({
          vkey: b.vkey,
          verifier: verifierFromVkey(b.vkey),
          publicKey: parseVerifierKey(b.vkey).publicKey,
          index,
          validFromMs: s.issuedMs,
          revokedFromMs: null,
          revokedIndex: null,
        });
        change.key = { actor: b.name, vkey: b.vkey, index, validFromMs: s.issuedMs };
      }
      return change;
    }
    if (s.statement.kind === 'revocation') {
      const b = body as unknown as RevocationBody;
      const key = this.actors.get(b.name)?.keys.find((k) => k.vkey === b.vkey);
      const fromMs = parseUtcTime(b.from, 'body.from');
      // The earliest revocation stands: a later statement cannot un-revoke a key.
      if (key && (key.revokedFromMs === null || fromMs < key.revokedFromMs)) {
        key.revokedFromMs = fromMs;
        key.revokedIndex = index;
        return { revocation: { actor: b.name, vkey: b.vkey, fromMs, index } };
      }
    }
    return {};
  }

  /** Adds an actor as the read model recorded it (loading at start-up). */
  load(actor: ActorSnapshot): void {
    const keys = actor.keys.map((k) => ({
      ...k,
      verifier: verifierFromVkey(k.vkey),
      publicKey: parseVerifierKey(k.vkey).publicKey,
    }));
    const root = actor.name === this.root.name ? this.actors.get(actor.name) : undefined;
    if (root) {
      root.index = actor.index;
      root.issuedMs = actor.issuedMs;
      for (const k of keys) {
        const same = root.keys.find((r) => r.vkey === k.vkey);
        if (same) Object.assign(same, { ...k, validFromMs: same.validFromMs });
        else root.keys.push(k);
      }
      return;
    }
    this.actors.set(actor.name, {
      name: actor.name,
      role: actor.role,
      index: actor.index,
      issuedMs: actor.issuedMs,
      keys,
    });
  }
}

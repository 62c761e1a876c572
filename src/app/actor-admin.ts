/**
 * What the operator does to actors through the server: register them, revoke
 * their keys, issue and withdraw their capture tokens. Registrations and
 * revocations are statements signed by the operator key and go through the
 * same checks as every other statement; tokens are secrets and never touch the
 * log (only their SHA-256 is stored).
 */
import { randomBytes } from 'node:crypto';
import { MatterlogError } from '../ledger/errors.js';
import type { Ed25519NoteKey, NoteSigner } from '../ledger/note.js';
import type { ActorBody, RevocationBody } from '../statements/bodies.js';
import type { JsonValue } from '../statements/canonical-json.js';
import { permission } from '../statements/roles.js';
import { type Statement, signStatement } from '../statements/statement.js';
import type { ReadModelStore } from '../store/read-model.js';
import { tokenHash } from './data-dir.js';
import type { RegistryRef } from './read-model-projection.js';
import type { StatementService, SubmitResult } from './statement-service.js';

export class ActorAdmin {
  private readonly operator: NoteSigner;

  constructor(
    private readonly operatorKey: Ed25519NoteKey,
    private readonly gateway: { name: string; vkey: string },
    private readonly statements: StatementService,
    private readonly registry: RegistryRef,
    private readonly readModel: ReadModelStore,
    private readonly now: () => number = Date.now,
  ) {
    this.operator = operatorKey.signer;
  }

  /**
   * The log records its own operator (and, once it captures, its gateway) before
   * the first actor it registers, so that anyone replaying the log learns their
   * keys from the log itself. A log nobody registers actors in stays as it was.
   */
  private bootstrap(withGateway: boolean): string[] {
    const notes: string[] = [];
    if ((this.registry.current.get(this.operator.name)?.index ?? -1) < 0) {
      notes.push(
        this.statement('actor', {
          name: this.operator.name,
          role: 'operator',
          vkey: this.operatorKey.vkey,
          title: 'the log operator',
        }),
      );
    }
    if (withGateway && !this.registry.current.get(this.gateway.name)) {
      notes.push(
        this.statement('actor', {
          name: this.gateway.name,
          role: 'gateway',
          vkey: this.gateway.vkey,
          title: 'the EPCIS capture gateway',
        }),
      );
    }
    return notes;
  }

  private statement(kind: 'actor' | 'revocation', body: ActorBody | RevocationBody): string {
    const s: Statement = {
      v: 1,
      kind,
      issuer: this.operator.name,
      issued: new Date(this.now()).toISOString(),
      body: body as unknown as JsonValue,
    };
    return signStatement(s, [this.operator]);
  }

  /** Registers an actor (or changes its role, or adds a key): one `actor` statement. */
  async add(body: ActorBody): Promise<SubmitResult> {
    // A retry of a registration that went through (same name, role and live key) logs nothing new.
    const known = this.registry.current.get(body.name);
    const key = known?.keys.find((k) => k.vkey === body.vkey && k.revokedFromMs === null);
    if (known && known.role === body.role && key && key.index >= 0) {
      return this.statements.existing(key.index, { kind: 'actor' });
    }
    const results = await this.statements.submit([...this.bootstrap(false), this.statement('actor', body)]);
    return results.at(-1) as SubmitResult;
  }

  /**
   * Revokes one of an actor's keys from `from` (default: now). Without `vkey`,
   * the actor's only unrevoked key.
   */
  async revoke(name: string, options: { vkey?: string; from?: string; reason: string }): Promise<SubmitResult> {
    const actor = this.registry.current.get(name);
    if (!actor) throw new MatterlogError('not_found', `no actor "${name}" is registered`);
    let vkey = options.vkey;
    if (!vkey) {
      const live = actor.keys.filter((k) => k.revokedFromMs === null);
      if (live.length !== 1) {
        throw new MatterlogError(
          'invalid_input',
          `"${name}" has ${live.length} unrevoked keys; say which one with --vkey (${live.map((k) => k.vkey).join(', ')})`,
        );
      }
      vkey = (live[0] as { vkey: string }).vkey;
    }
    const from = options.from ?? new Date(this.now()).toISOString();
    const revoked = actor.keys.find((k) => k.vkey === vkey);
    if (revoked?.revokedIndex != null && revoked.revokedFromMs !== null && revoked.revokedFromMs <= Date.parse(from)) {
      return this.statements.existing(revoked.revokedIndex, { kind: 'revocation' });
    }
    const body: RevocationBody = { name, vkey, from, reason: options.reason };
    const [r] = await this.statements.submit([this.statement('revocation', body)]);
    // An actor without a live key must not go on capturing through the gateway either.
    const after = this.registry.current.get(name);
    if (after && !after.keys.some((k) => k.revokedFromMs === null)) await this.readModel.revokeTokens(name);
    return r as SubmitResult;
  }

  /** A new capture token for `name`; returned once, stored hashed. */
  async issueToken(name: string): Promise<string> {
    const actor = this.registry.current.get(name);
    if (!actor) throw new MatterlogError('not_found', `no actor "${name}" is registered; add it first`);
    if (permission(actor.role, 'epcis.event') === null || actor.role === 'gateway') {
      throw new MatterlogError('forbidden', `"${name}" is a ${actor.role} and may not record EPCIS events`);
    }
    const boot = this.bootstrap(true);
    if (boot.length > 0) await this.statements.submit(boot);
    const token = `mla_${randomBytes(24).toString('base64url')}`;
    await this.readModel.putToken(tokenHash(token), name, this.now());
    return token;
  }

  /** Withdraws every capture token of `name`. */
  revokeTokens(name: string): Promise<number> {
    return this.readModel.revokeTokens(name);
  }

  /** The actor a capture token belongs to, or `unauthorized`. */
  async tokenActor(token: string): Promise<string> {
    const actor = await this.readModel.tokenActor(tokenHash(token));
    if (!actor) throw new MatterlogError('unauthorized', 'the capture token is not valid (it may have been withdrawn)');
    return actor;
  }
}

/**
 * Statements this process has just checked in full on their way into the log,
 * handed to the indexer so it does not verify the same signatures and validate
 * the same EPCIS event a second time. Only facts about the bytes are shared
 * (the parse, which keys' signatures verified, that the event and its hash ID
 * are valid); the registry's judgement at the statement's position in the log
 * (keys, revocations, roles) is made again by the indexer, as on any replay.
 */
import type { ParsedStatement } from '../statements/statement.js';

export interface CheckedNote {
  parsed: ParsedStatement;
  /** Verifier keys whose signatures over the text verified. */
  verified: ReadonlySet<string>;
}

export class CheckedNotes {
  private readonly notes = new Map<string, CheckedNote>();

  /** Bounded: notes whose commit failed are never taken and age out. */
  constructor(private readonly max = 100_000) {}

  add(parsed: ParsedStatement, verified: readonly string[]): void {
    this.notes.set(parsed.note, { parsed, verified: new Set(verified) });
    if (this.notes.size > this.max) this.notes.delete(this.notes.keys().next().value as string);
  }

  /** The check of exactly this note, if this process made one (and forgets it). */
  take(note: string): CheckedNote | undefined {
    const found = this.notes.get(note);
    if (found) this.notes.delete(note);
    return found;
  }
}

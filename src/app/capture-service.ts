/**
 * The EPCIS 2.0 capture interface for existing EPCIS clients. A document is
 * validated whole before anything else happens (one invalid event rejects it,
 * with every error's JSON pointer); then each event becomes an `epcis.event`
 * statement signed by the log's capture gateway in the name of the actor the
 * bearer token belongs to, and a capture job tracks their sequencing.
 *
 * Custody is explicit forever: gateway statements are issued by the gateway
 * and name the actor in `onBehalfOf`; an actor's own `matterlog capture`
 * produces statements issued and signed by the actor.
 *
 * Jobs live in memory for a day (the events themselves are in the log): a
 * client polling a job after a restart gets 404 and can look its events up by
 * event ID, which capture responses include.
 */
import { randomBytes } from 'node:crypto';
import { eventHashId, validateEpcisDocument } from '../epcis/index.js';
import { MatterlogError } from '../ledger/errors.js';
import type { NoteSigner } from '../ledger/note.js';
import type { EpcisEventBody } from '../statements/bodies.js';
import { checkJsonDepth, type JsonValue } from '../statements/canonical-json.js';
import { signStatement } from '../statements/statement.js';
import type { StatementRefusal, StatementService, SubmitResult } from './statement-service.js';

export interface CaptureJob {
  captureID: string;
  createdAt: string;
  finishedAt?: string;
  running: boolean;
  success: boolean;
  /** matterlog captures a document whole or not at all. */
  captureErrorBehaviour: 'rollback';
  errors: { pointer?: string; reason: string; code?: string }[];
  /** The actor the events were captured for. */
  actor: string;
  eventCount: number;
  /** Per event, in document order, once sequenced. */
  events?: { eventID: string; index: number; duplicate: boolean }[];
}

export interface CaptureLimits {
  maxEvents: number;
  maxBytes: number;
}

export const defaultCaptureLimits: CaptureLimits = { maxEvents: 10_000, maxBytes: 16 * 1024 * 1024 };

const JOB_TTL_MS = 24 * 3600_000;
const MAX_JOBS = 10_000;

export class CaptureService {
  private readonly jobs = new Map<string, { job: CaptureJob; done: Promise<void> }>();

  constructor(
    private readonly statements: StatementService,
    private readonly gateway: NoteSigner,
    readonly limits: CaptureLimits = defaultCaptureLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Validates `doc` (throws with every error) and starts its capture job. */
  capture(doc: unknown, actor: string): CaptureJob {
    checkJsonDepth(doc, 'the EPCIS document');
    const { events, context } = validateEpcisDocument(doc);
    if (events.length > this.limits.maxEvents) {
      throw new MatterlogError(
        'request_too_large',
        `the document holds ${events.length} events; capture at most ${this.limits.maxEvents} per document`,
      );
    }
    const issued = new Date(this.now()).toISOString();
    const notes = events.map((event, i) => {
      const body: EpcisEventBody = {
        event: event as { [key: string]: JsonValue },
        eventID: eventHashId(event, context),
        onBehalfOf: actor,
        ...(context === undefined || context === null ? {} : { context: context as JsonValue }),
      };
      try {
        return signStatement(
          { v: 1, kind: 'epcis.event', issuer: this.gateway.name, issued, body: body as unknown as JsonValue },
          [this.gateway],
        );
      } catch (e) {
        if (!(e instanceof MatterlogError) || e.code !== 'entry_too_large') throw e;
        throw new MatterlogError('entry_too_large', `event ${i} is too large for one log entry: ${e.message}`, {
          cause: e,
          details: { errors: [{ pointer: `/epcisBody/eventList/${i}`, reason: (e as Error).message }] },
        });
      }
    });
    const job: CaptureJob = {
      captureID: randomBytes(12).toString('base64url'),
      createdAt: issued,
      running: true,
      // EPCIS clients read success=false as a failed job: it turns false only when one is.
      success: true,
      captureErrorBehaviour: 'rollback',
      errors: [],
      actor,
      eventCount: events.length,
    };
    const done = this.statements.submit(notes).then(
      (results: SubmitResult[]) => {
        job.events = results.map((r) => ({ eventID: r.eventID as string, index: r.index, duplicate: r.duplicate }));
        job.success = true;
      },
      (e: unknown) => {
        job.success = false;
        const refused = e instanceof MatterlogError ? e.details['refused'] : undefined;
        job.errors = Array.isArray(refused)
          ? (refused as StatementRefusal[]).map((r) => ({
              pointer: `/epcisBody/eventList/${r.statement}`,
              reason: r.reason,
              code: r.code,
            }))
          : [
              {
                reason: e instanceof Error ? e.message : String(e),
                ...(e instanceof MatterlogError ? { code: e.code } : {}),
              },
            ];
      },
    );
    const finished = done.finally(() => {
      job.running = false;
      job.finishedAt = new Date(this.now()).toISOString();
    });
    this.remember(job, finished);
    return job;
  }

  /** The job, or null when unknown or expired. */
  job(id: string): CaptureJob | null {
    return this.jobs.get(id)?.job ?? null;
  }

  /** Resolves once the job has finished (tests and the CLI's --wait). */
  async settled(id: string): Promise<CaptureJob | null> {
    const j = this.jobs.get(id);
    if (!j) return null;
    await j.done;
    return j.job;
  }

  private remember(job: CaptureJob, done: Promise<void>): void {
    const cutoff = this.now() - JOB_TTL_MS;
    for (const [id, j] of this.jobs) {
      if (this.jobs.size < MAX_JOBS && Date.parse(j.job.createdAt) >= cutoff) break;
      if (!j.job.running) this.jobs.delete(id);
    }
    this.jobs.set(job.captureID, { job, done });
  }
}

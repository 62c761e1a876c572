/**
 * The EPCIS 2.0 REST interface: capture (for existing EPCIS clients, as the
 * authenticated actor, signed by the log's capture gateway) and event queries
 * answered from the read model as EPCISQueryDocuments.
 *
 *   POST /epcis/capture               EPCISDocument → 202 + Location of the capture job
 *   GET  /epcis/capture/{captureID}   the job: running, success, errors, events
 *   GET  /epcis/events?…              EPCISQueryDocument, paged (Link rel="next")
 *   GET  /epcis/events/{eventID}      one event by its (URL-encoded) hash ID
 *   GET  /quantities?…                kilograms per facility × material class, from the events
 */
import type { Context, Hono } from 'hono';
import type { LogService } from '../app/log-service.js';
import { MatterlogError } from '../ledger/errors.js';
import { bearerToken } from './auth.js';
import { parseEventQuery, parseQuantityQuery, QUANTITY_ROLES } from './epcis-query-params.js';
import { ingestOf, limitBody } from './routes-statements.js';

export const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';

/** The authenticated actor of each capture request, from the auth step to the handler. */
const captureActors = new WeakMap<Context, string>();

function epcisHeaders(c: Context): void {
  c.header('GS1-EPCIS-Version', '2.0.0');
  c.header('GS1-CBV-Version', '2.0.0');
}

export function epcisRoutes(app: Hono, log: LogService): void {
  app.post(
    '/epcis/capture',
    async (c, next) => {
      // Who is capturing, before reading a possibly large body.
      const ingest = ingestOf(log);
      captureActors.set(c, await ingest.actors.tokenActor(bearerToken(c, "the actor's capture token")));
      await next();
    },
    (c, next) => limitBody(ingestOf(log).capture.limits.maxBytes, 'split the document into several captures')(c, next),
    async (c) => {
      const ingest = ingestOf(log);
      const behaviour = c.req.header('GS1-Capture-Error-Behaviour');
      if (behaviour !== undefined && behaviour.trim().toLowerCase() !== 'rollback') {
        throw new MatterlogError(
          'invalid_input',
          `GS1-Capture-Error-Behaviour "${behaviour}" is not supported: matterlog captures a document whole or not at all (rollback)`,
        );
      }
      const type = c.req.header('Content-Type') ?? '';
      if (!/^application\/(ld\+)?json\b/i.test(type)) {
        throw new MatterlogError('invalid_input', 'send the EPCISDocument as application/json or application/ld+json');
      }
      let doc: unknown;
      try {
        doc = await c.req.json();
      } catch (cause) {
        throw new MatterlogError('invalid_input', 'the request body is not valid JSON', {
          cause,
          details: { errors: [{ pointer: '', reason: 'not valid JSON' }] },
        });
      }
      const job = ingest.capture.capture(doc, captureActors.get(c) as string);
      epcisHeaders(c);
      c.header('Location', `/epcis/capture/${job.captureID}`);
      c.header('GS1-EPCIS-Capture-Limit', String(ingest.capture.limits.maxEvents));
      c.header('GS1-EPCIS-Capture-File-Size-Limit', String(ingest.capture.limits.maxBytes));
      return c.json(job, 202);
    },
  );

  app.get('/epcis/capture/:id', (c) => {
    const job = ingestOf(log).capture.job(c.req.param('id'));
    if (!job) throw new MatterlogError('not_found', `no capture job ${c.req.param('id')} (jobs are kept for a day)`);
    epcisHeaders(c);
    return c.json(job);
  });

  app.get('/epcis/events', async (c) => {
    const query = parseEventQuery(c.req.queries());
    const page = await log.readModel.queryEvents(query);
    epcisHeaders(c);
    c.header('Cache-Control', 'no-store');
    if (page.nextAfterIndex !== null) {
      const url = new URL(c.req.url);
      url.searchParams.set('nextPageToken', String(page.nextAfterIndex));
      c.header('Link', `<${url.pathname}${url.search}>; rel="next"`);
    }
    const body = `{"@context":${JSON.stringify([EPCIS_CONTEXT])},"type":"EPCISQueryDocument","schemaVersion":"2.0","creationDate":${JSON.stringify(new Date().toISOString())},"epcisBody":{"queryResults":{"queryName":"SimpleEventQuery","resultsBody":{"eventList":[${page.events.map((e) => e.json).join(',')}]}}}}`;
    return c.body(body, 200, { 'Content-Type': 'application/ld+json' });
  });

  // Mass per facility × material class × role in the events (received, output, …), in kilograms.
  app.get('/quantities', async (c) => {
    const query = parseQuantityQuery(c.req.queries());
    const totals = await log.readModel.quantities(query);
    c.header('Cache-Control', 'no-store');
    return c.json({
      unit: 'kg',
      indexedSize: await log.readModel.indexedSize(),
      totals: totals.map((t) => ({ ...t, role: QUANTITY_ROLES[t.field] })),
    });
  });

  app.get('/epcis/events/:eventID', async (c) => {
    const id = c.req.param('eventID');
    const found = await log.readModel.event(id);
    if (!found) throw new MatterlogError('not_found', `no event with ID ${id} is in the log`);
    epcisHeaders(c);
    return c.body(found.json, 200, { 'Content-Type': 'application/ld+json', 'X-Log-Index': String(found.index) });
  });
}

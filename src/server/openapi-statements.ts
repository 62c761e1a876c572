/**
 * The OpenAPI description of statements, actors and the EPCIS 2.0 interface
 * (merged into /openapi.json by openapi.ts).
 */
import { ROLES } from '../statements/roles.js';
import { QUERY_PARAMETERS } from './epcis-query-params.js';

const problem = { $ref: '#/components/responses/Problem' };
const operatorOnly = [{ operatorToken: [] }];
const json = (schema: unknown) => ({ 'application/json': { schema } });

const queryDescriptions: Record<string, string> = {
  eventType: 'ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent, AssociationEvent',
  EQ_bizStep:
    "a CBV 2.0 word, its URN or URL form (all match each other), or an absolute URI such as matterlog's https://w3id.org/matterlog/voc/BizStep-sorting",
  EQ_actor: 'matterlog extension: the actor the event was recorded for',
  GE_recordTime:
    "record time = the statement's `issued` time, as its signer states it; to follow the log without missing backdated statements, page with nextPageToken (log order) instead",
  EQ_disposition: 'a CBV 2.0 word, its URN or URL form (all match each other), or an absolute URI',
  perPage: 'events per page, 1–1000 (default 100)',
  nextPageToken: 'from the Link rel="next" header of the previous page',
};

export const statementPaths: Record<string, unknown> = {
  '/statements': {
    post: {
      summary: 'Submit signed statements (the public way in)',
      description:
        'One statement as a text/plain body (a C2SP signed note whose text is one line of RFC 8785 JSON), or {"statements": [note, …]} as JSON. Every signature is checked against registered, unrevoked keys, with the issuer\'s role, the body and the clock; a request is logged all or nothing. Statements already in the log (same canonical text, or an EPCIS event with the same hash ID) answer with their existing index (200). Rate-limited per actor (429 + Retry-After).',
      requestBody: {
        content: {
          'text/plain': { schema: { type: 'string' } },
          ...json({
            type: 'object',
            required: ['statements'],
            properties: { statements: { type: 'array', items: { type: 'string' } } },
          }),
        },
      },
      responses: {
        '200': { description: 'Already in the log', content: json({ $ref: '#/components/schemas/SubmitResult' }) },
        '201': {
          description: 'Sequenced (and indexed) — one result, or {"results": [...]} for a JSON request',
          content: json({
            oneOf: [{ $ref: '#/components/schemas/SubmitResult' }, { $ref: '#/components/schemas/SubmitResponse' }],
          }),
        },
        '400': problem,
        '403': problem,
        '413': problem,
        '429': problem,
        '503': problem,
      },
    },
  },
  '/actors': {
    get: {
      summary: 'The actor registry: names, roles, keys and revocations, as the log records them',
      responses: { '200': { description: 'Every registered actor', content: json({ type: 'object' }) } },
    },
    post: {
      summary: 'Register an actor (operator): logs an `actor` statement signed by the operator key',
      security: operatorOnly,
      requestBody: {
        content: json({
          type: 'object',
          required: ['name', 'role', 'vkey'],
          properties: {
            name: { type: 'string' },
            role: { enum: [...ROLES] },
            vkey: { type: 'string' },
            title: { type: 'string' },
          },
        }),
      },
      responses: {
        '201': { description: 'Registered', content: json({ $ref: '#/components/schemas/SubmitResult' }) },
        '400': problem,
        '401': problem,
      },
    },
  },
  '/actors/revocations': {
    post: {
      summary: 'Revoke an actor key from a time (operator): logs a `revocation` statement',
      security: operatorOnly,
      requestBody: {
        content: json({
          type: 'object',
          required: ['name', 'reason'],
          properties: {
            name: { type: 'string' },
            reason: { type: 'string' },
            vkey: { type: 'string' },
            from: { type: 'string', format: 'date-time' },
          },
        }),
      },
      responses: {
        '201': { description: 'Revoked', content: json({ $ref: '#/components/schemas/SubmitResult' }) },
        '400': problem,
        '401': problem,
        '404': problem,
      },
    },
  },
  '/actors/tokens': {
    post: {
      summary: 'Issue an EPCIS capture token for an actor (operator); shown once, stored hashed',
      security: operatorOnly,
      requestBody: { content: json({ type: 'object', required: ['name'], properties: { name: { type: 'string' } } }) },
      responses: {
        '201': { description: '{"actor", "token"}', content: json({ type: 'object' }) },
        '401': problem,
        '403': problem,
        '404': problem,
      },
    },
    delete: {
      summary: 'Withdraw every capture token of an actor (operator)',
      security: operatorOnly,
      parameters: [{ name: 'name', in: 'query', required: true, schema: { type: 'string' } }],
      responses: { '200': { description: '{"actor", "revoked"}', content: json({ type: 'object' }) }, '401': problem },
    },
  },
  '/epcis/capture': {
    post: {
      summary: 'EPCIS 2.0 capture: an EPCISDocument, as the actor its bearer token belongs to',
      description:
        "The document is validated whole against the official GS1 EPCIS 2.0 JSON Schema (with URI format checks) and matterlog's checks; any invalid event rejects it, with every error's JSON pointer. Each event becomes an `epcis.event` statement issued and signed by the capture gateway, naming the actor in body.onBehalfOf. Answers 202 with the capture job in Location.",
      security: [{ captureToken: [] }],
      requestBody: { content: { 'application/ld+json': { schema: { type: 'object' } }, ...json({ type: 'object' }) } },
      responses: {
        '202': {
          description: 'Capture job started (Location: /epcis/capture/{captureID})',
          content: json({ $ref: '#/components/schemas/CaptureJob' }),
        },
        '400': problem,
        '401': problem,
        '413': problem,
        '429': problem,
      },
    },
  },
  '/epcis/capture/{id}': {
    get: {
      summary: "A capture job: running, success, errors, and each event's log index",
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': { description: 'The job', content: json({ $ref: '#/components/schemas/CaptureJob' }) },
        '404': problem,
      },
    },
  },
  '/epcis/events': {
    get: {
      summary: 'EPCIS 2.0 event query: an EPCISQueryDocument, in log order, paged (Link rel="next")',
      description:
        'Repeat a parameter or join values with | to match any of them; different parameters must all match. Unknown parameters are refused.',
      parameters: QUERY_PARAMETERS.map((name) => ({
        name,
        in: 'query',
        required: false,
        schema: { type: 'string' },
        ...(queryDescriptions[name] ? { description: queryDescriptions[name] } : {}),
      })),
      responses: {
        '200': {
          description: 'EPCISQueryDocument',
          content: { 'application/ld+json': { schema: { type: 'object' } } },
        },
        '400': problem,
      },
    },
  },
  '/quantities': {
    get: {
      summary:
        'Kilograms per facility × material class × role in the events (observed, consumed, produced), from the read model',
      description:
        'Sums the quantities of indexed EPCIS events whose unit is a mass (UN/CEFACT Rec 20: KGM, TNE, GRM, LBR, …), normalised to kilograms. Quantities without a mass unit (counts, volumes) are not summed.',
      parameters: [
        { name: 'facility', in: 'query', required: false, schema: { type: 'string' }, description: 'a bizLocation id' },
        { name: 'epcClass', in: 'query', required: false, schema: { type: 'string' } },
        { name: 'GE_eventTime', in: 'query', required: false, schema: { type: 'string', format: 'date-time' } },
        { name: 'LT_eventTime', in: 'query', required: false, schema: { type: 'string', format: 'date-time' } },
      ],
      responses: {
        '200': { description: '{"unit": "kg", "indexedSize", "totals": [...]}', content: json({ type: 'object' }) },
        '400': problem,
      },
    },
  },
  '/catalog': {
    get: {
      summary:
        'The materials catalog (EPA WARM v16 end-of-life factors), the routes catalog (yields with their sources) and the design features',
      responses: {
        '200': { description: '{"source", "materials", "routes", "features"}', content: json({ type: 'object' }) },
      },
    },
  },
  '/assess': {
    post: {
      summary: 'Assess a passport (JSON body): recyclability by design, PPWR grade, MCI, end-of-life emissions, flags',
      description:
        'Stateless: nothing is logged. Every problem with the passport is answered as a 400 problem with a JSON pointer per error.',
      parameters: [
        {
          name: 'routes',
          in: 'query',
          required: false,
          schema: { type: 'string' },
          description: 'available route ids, comma-separated (default: all)',
        },
      ],
      requestBody: { content: json({ type: 'object' }) },
      responses: {
        '200': { description: 'The assessment', content: json({ type: 'object' }) },
        '400': problem,
        '413': problem,
      },
    },
  },
  '/epcis/events/{eventID}': {
    get: {
      summary: 'One event by its CBV 2.0 event hash ID (URL-encoded); X-Log-Index says where it is in the log',
      parameters: [{ name: 'eventID', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': { description: 'The event', content: { 'application/ld+json': { schema: { type: 'object' } } } },
        '404': problem,
      },
    },
  },
};

export const statementSchemas: Record<string, unknown> = {
  SubmitResult: {
    type: 'object',
    required: ['index', 'leafHash', 'duplicate', 'kind'],
    properties: {
      index: { type: 'integer' },
      leafHash: { type: 'string', contentEncoding: 'base64' },
      duplicate: { type: 'boolean', description: 'the statement or its EPCIS event was already in the log' },
      kind: { type: 'string' },
      eventID: { type: 'string', description: 'for EPCIS events: the CBV 2.0 event hash ID' },
    },
  },
  SubmitResponse: {
    type: 'object',
    properties: { results: { type: 'array', items: { $ref: '#/components/schemas/SubmitResult' } } },
  },
  CaptureJob: {
    type: 'object',
    required: ['captureID', 'createdAt', 'running', 'success', 'captureErrorBehaviour', 'errors'],
    properties: {
      captureID: { type: 'string' },
      createdAt: { type: 'string', format: 'date-time' },
      finishedAt: { type: 'string', format: 'date-time' },
      running: { type: 'boolean' },
      success: { type: 'boolean' },
      captureErrorBehaviour: { const: 'rollback' },
      errors: { type: 'array', items: { type: 'object' } },
      actor: { type: 'string' },
      eventCount: { type: 'integer' },
      events: { type: 'array', items: { type: 'object' } },
    },
  },
};

/**
 * The OpenAPI 3.1 description of the HTTP API, served at /openapi.json.
 * test/e2e checks that every route the server answers is described here.
 */
import { optimizePaths } from './openapi-optimize.js';
import { productPaths } from './openapi-products.js';
import { statementPaths, statementSchemas } from './openapi-statements.js';
import { PROBLEMS } from './problem.js';

const problem = { $ref: '#/components/responses/Problem' };
const b64hash = { type: 'string', contentEncoding: 'base64', description: 'a 32-byte SHA-256 hash, standard base64' };
const tileParams = [
  {
    name: 'N',
    in: 'path',
    required: true,
    schema: { type: 'string' },
    description: 'tile index in x001/x234/067 form',
  },
];
const tileResponses = (what: string) => ({
  '200': {
    description: `${what}. Cache-Control: public, max-age=31536000, immutable.`,
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  },
  '400': problem,
  '404': problem,
});

export function openApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'matterlog',
      version,
      description:
        'A verifiable, append-only log of recycling and material-flow statements. The read API is C2SP tlog-tiles ' +
        '(https://c2sp.org/tlog-tiles); checkpoints are C2SP signed notes. Errors are RFC 9457 problem details.',
    },
    paths: {
      '/checkpoint': {
        get: {
          summary: 'The latest signed checkpoint (C2SP tlog-checkpoint in a signed note)',
          responses: {
            '200': {
              description: 'Not cacheable.',
              content: { 'text/plain; charset=utf-8': { schema: { type: 'string' } } },
            },
          },
        },
      },
      '/tile/{L}/{N}': {
        get: {
          summary: 'A full hash tile (256 hashes). Partial tiles: /tile/{L}/{N}.p/{W}',
          parameters: [
            { name: 'L', in: 'path', required: true, schema: { type: 'integer', minimum: 0, maximum: 63 } },
            ...tileParams,
          ],
          responses: tileResponses('256 × 32 bytes (W × 32 for a partial tile)'),
        },
      },
      '/tile/entries/{N}': {
        get: {
          summary: 'A full entry bundle (256 uint16-length-prefixed entries). Partial bundles: /tile/entries/{N}.p/{W}',
          parameters: tileParams,
          responses: tileResponses('The bundle; gzip-encoded when the client accepts gzip'),
        },
      },
      '/proof/inclusion': {
        get: {
          summary: 'Inclusion proof of an entry, by leaf index or leaf hash',
          parameters: [
            { name: 'index', in: 'query', schema: { type: 'integer', minimum: 0 } },
            { name: 'leaf_hash', in: 'query', schema: { type: 'string' }, description: '64 hex digits or base64' },
            {
              name: 'size',
              in: 'query',
              schema: { type: 'integer', minimum: 1 },
              description: 'tree size (default: latest)',
            },
            {
              name: 'format',
              in: 'query',
              schema: { type: 'string', enum: ['json', 'tlog-proof'] },
              description: 'tlog-proof answers a C2SP tlog-proof@v1 text',
            },
          ],
          responses: {
            '200': {
              description: 'The proof, and the checkpoint signed at that size when there is one',
              content: {
                'application/json': { schema: { $ref: '#/components/schemas/InclusionProof' } },
                'text/plain; charset=utf-8': { schema: { type: 'string', description: 'c2sp.org/tlog-proof@v1' } },
              },
            },
            '400': problem,
            '404': problem,
          },
        },
      },
      '/proof/consistency': {
        get: {
          summary: 'Consistency proof between two tree sizes',
          parameters: [
            { name: 'from', in: 'query', required: true, schema: { type: 'integer', minimum: 0 } },
            { name: 'to', in: 'query', schema: { type: 'integer', minimum: 0 }, description: 'default: latest' },
          ],
          responses: {
            '200': {
              description: 'RFC 9162 consistency proof',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/ConsistencyProof' } } },
            },
            '400': problem,
            '404': problem,
          },
        },
      },
      ...statementPaths,
      ...productPaths,
      ...optimizePaths,
      '/append': {
        post: {
          summary: 'Append raw entries (operator only)',
          security: [{ operatorToken: [] }],
          requestBody: {
            required: true,
            content: {
              'application/octet-stream': { schema: { type: 'string', format: 'binary', maxLength: 65535 } },
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['entries'],
                  properties: { entries: { type: 'array', items: { type: 'string', contentEncoding: 'base64' } } },
                },
              },
            },
          },
          responses: {
            '200': {
              description: 'JSON batch: one result per entry; raw body: the entry was already in the log',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/AppendResponse' } } },
            },
            '201': {
              description: 'The entry was sequenced and is durable',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/AppendResult' } } },
            },
            '400': problem,
            '401': problem,
            '413': problem,
            '503': problem,
          },
        },
      },
      '/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
      '/problems/{code}': {
        get: {
          summary: 'What a problem type means',
          parameters: [
            { name: 'code', in: 'path', required: true, schema: { type: 'string', enum: Object.keys(PROBLEMS) } },
          ],
          responses: { '200': { description: 'A description' }, '404': problem },
        },
      },
      '/': {
        get: {
          summary: 'The log: origin, verifier key, size',
          responses: {
            '200': {
              description: 'Log metadata',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/LogInfo' } } },
            },
          },
        },
      },
      '/healthz': {
        get: { summary: 'Liveness and readiness', responses: { '200': { description: 'ok' }, '503': problem } },
      },
    },
    components: {
      securitySchemes: {
        operatorToken: { type: 'http', scheme: 'bearer', description: 'printed by matterlog init' },
        captureToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'an actor\'s capture token from "matterlog actor token"',
        },
      },
      responses: {
        Problem: {
          description: 'RFC 9457 problem details; 503 responses carry Retry-After',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      },
      schemas: {
        ...statementSchemas,
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail', 'code'],
          properties: {
            type: { type: 'string', format: 'uri-reference' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            code: { type: 'string', enum: Object.keys(PROBLEMS) },
            retryAfterSeconds: { type: 'integer' },
          },
        },
        InclusionProof: {
          type: 'object',
          required: ['index', 'treeSize', 'leafHash', 'proof', 'checkpoint'],
          properties: {
            index: { type: 'integer' },
            treeSize: { type: 'integer' },
            leafHash: b64hash,
            proof: { type: 'array', items: b64hash },
            checkpoint: {
              type: ['string', 'null'],
              description: 'the signed checkpoint at treeSize, if one was signed',
            },
          },
        },
        ConsistencyProof: {
          type: 'object',
          required: ['size1', 'size2', 'proof'],
          properties: {
            size1: { type: 'integer' },
            size2: { type: 'integer' },
            proof: { type: 'array', items: b64hash },
          },
        },
        AppendResult: {
          type: 'object',
          required: ['index', 'leafHash', 'duplicate', 'treeSize'],
          properties: {
            index: { type: 'integer' },
            leafHash: b64hash,
            duplicate: { type: 'boolean', description: 'identical bytes were already in the log at this index' },
            treeSize: { type: 'integer', description: 'size of the first checkpoint that includes the entry' },
          },
        },
        AppendResponse: {
          type: 'object',
          properties: { results: { type: 'array', items: { $ref: '#/components/schemas/AppendResult' } } },
        },
        LogInfo: {
          type: 'object',
          properties: {
            origin: { type: 'string' },
            vkey: { type: 'string' },
            treeSize: { type: 'integer' },
            operator: { type: ['object', 'null'], description: 'the operator key: the root of the actor registry' },
            gateway: { type: ['object', 'null'], description: 'the EPCIS capture gateway key' },
            sequencer: { type: 'boolean' },
            store: { type: 'string' },
            indexedSize: { type: 'integer', description: 'log entries the read model covers' },
          },
        },
      },
    },
  };
}

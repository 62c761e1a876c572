/**
 * The OpenAPI description of the optimizer: solving, comparing, verifying and
 * storing plans, and policies (merged into /openapi.json by openapi.ts).
 */
const problem = { $ref: '#/components/responses/Problem' };
const json = (schema: unknown) => ({ 'application/json': { schema } });
const object = { type: 'object' };

const solveBody = {
  type: 'object',
  required: ['policy', 'lots'],
  properties: {
    policy: {
      description: 'a policy body, or the id of a policy in the log ("id" for its latest version, "id@version")',
      oneOf: [{ type: 'string' }, { type: 'object' }],
    },
    lots: {
      description: 'the lots, or {"facility": id} for those the log says the facility holds (GET /lots)',
      type: ['array', 'object'],
      items: {
        type: 'object',
        required: ['id', 'massTonnes', 'composition'],
        properties: {
          id: { type: 'string' },
          massTonnes: { type: 'number', exclusiveMinimum: 0 },
          composition: { type: 'object', additionalProperties: { type: 'number', minimum: 0, maximum: 1 } },
          contamination: { type: 'number', minimum: 0, maximum: 1 },
          location: { type: 'object', properties: { latitude: { type: 'number' }, longitude: { type: 'number' } } },
        },
      },
    },
    options: {
      description:
        'route options: a list, {"actor": name} for the routes that actor published, or "catalog"; default: the routes published in the log, else the catalog',
    },
  },
};

export const optimizePaths: Record<string, unknown> = {
  '/optimize': {
    post: {
      summary: 'Route lots under a policy: the optimal plan with its certificate, and what the certificate proves',
      description:
        'An LP, or a MIP when the policy has fixed costs, minimum batches or truckloads. Nothing is stored. Needs an actor token or the operator token. An infeasible policy is a 422 problem whose `conflict` lists the constraints that cannot all hold and by how much.',
      security: [{ operatorToken: [] }],
      requestBody: { content: json(solveBody) },
      responses: {
        '200': { description: '{"plan", "report", "solveMs"}', content: json(object) },
        '400': problem,
        '404': problem,
        '413': problem,
        '422': problem,
        '503': problem,
      },
    },
  },
  '/optimize/compare': {
    post: {
      summary: 'The same lots under several policies, side by side (totals, or why a policy cannot be met)',
      security: [{ operatorToken: [] }],
      requestBody: {
        content: json({
          type: 'object',
          required: ['policies', 'lots'],
          properties: { policies: { type: 'array', maxItems: 10 }, lots: { type: 'array' }, options: {} },
        }),
      },
      responses: {
        '200': { description: '{"comparison": [...]}', content: json(object) },
        '400': problem,
        '404': problem,
      },
    },
  },
  '/plans/verify': {
    post: {
      summary: "Verify a plan document's certificate without a solver; the report says in words what was proved",
      requestBody: { content: json(object) },
      responses: { '200': { description: 'the verification report', content: json(object) }, '400': problem },
    },
  },
  '/plans': {
    post: {
      summary: 'Store a plan document under the SHA-256 of its canonical JSON, if it verifies',
      description:
        'Needs an actor token (matterlog actor token) or the operator token. A plan statement then names the digest.',
      security: [{ operatorToken: [] }],
      requestBody: { content: json(object) },
      responses: {
        '201': { description: '{"sha256", "report"}; Location: /plans/{sha256}', content: json(object) },
        '400': problem,
        '401': problem,
        '413': problem,
      },
    },
  },
  '/plans/{sha256}': {
    get: {
      summary: 'A stored plan document, byte for byte (immutable)',
      parameters: [
        { name: 'sha256', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
      ],
      responses: {
        '200': { description: 'the document', content: { 'application/vnd.matterlog.plan+json': { schema: object } } },
        '400': problem,
        '404': problem,
      },
    },
  },
  '/lots': {
    get: {
      summary:
        'The lots a facility holds according to its EPCIS events: net mass per EPC class, with composition from ILMD or the product passport',
      parameters: [
        { name: 'facility', in: 'query', required: true, schema: { type: 'string' }, description: 'a bizLocation id' },
        {
          name: 'to',
          in: 'query',
          required: false,
          schema: { type: 'string', format: 'date-time' },
          description: 'holdings at this time',
        },
      ],
      responses: {
        '200': { description: '{"facility", "lots", "unknown", "events"}', content: json(object) },
        '400': problem,
        '404': problem,
      },
    },
  },
  '/policies/{id}': {
    get: {
      summary: "A policy's versions (with their log indexes) and its latest body",
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': { description: '{"id", "actor", "versions", "latest"}', content: json(object) },
        '404': problem,
      },
    },
  },
};

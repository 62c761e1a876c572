/**
 * The OpenAPI description of products, producers' portfolios, facilities and
 * operators' routes (merged into /openapi.json by openapi.ts).
 */
const problem = { $ref: '#/components/responses/Problem' };
const json = (schema: unknown) => ({ 'application/json': { schema } });
const query = (name: string, description: string, schema: unknown = { type: 'string' }) => ({
  name,
  in: 'query',
  required: false,
  schema,
  description,
});
const productParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: 'a GTIN-8, -12, -13 or -14, or a GS1 Digital Link naming one (URL-encoded)',
};

const version = {
  type: 'object',
  properties: {
    index: { type: 'integer', description: 'log index of the passport statement' },
    version: { type: 'string' },
    replaces: { type: ['string', 'null'] },
    producer: { type: 'string' },
    issued: { type: 'string', format: 'date-time' },
    validFrom: { type: 'string', format: 'date-time' },
    massKg: { type: 'number' },
    share: { type: 'number', description: 'recoverable share under the catalog routes' },
    grade: { enum: ['A', 'B', 'C', 'non-recyclable'] },
  },
};

export const productPaths: Record<string, unknown> = {
  '/products/{id}': {
    get: {
      summary: "A product's passport versions, oldest first",
      parameters: [productParam],
      responses: {
        '200': {
          description: '{"product": GTIN-14, "versions": [...]}',
          content: json({
            type: 'object',
            properties: { product: { type: 'string' }, versions: { type: 'array', items: version } },
          }),
        },
        '400': problem,
        '404': problem,
      },
    },
  },
  '/products/{id}/assessment': {
    get: {
      summary:
        "A product's assessment from the log: recyclability by design, PPWR grade, MCI, end-of-life emissions, flags (regression against the version it replaces)",
      parameters: [
        productParam,
        query('version', 'the version label (default: the latest)'),
        query(
          'routes',
          'route ids, comma-separated: catalog routes or routes operators published (default: the catalog)',
        ),
        query('facility', "a facility's location id: assess against the routes it runs"),
      ],
      responses: {
        '200': {
          description: '{"product", "version", "routes", "passport", "assessment"}',
          content: json({ type: 'object' }),
        },
        '400': problem,
        '404': problem,
      },
    },
  },
  '/producers/{actor}/portfolio': {
    get: {
      summary:
        "A producer's portfolio: products by grade, units and mass placed on the market (EPCIS commissioning events) by grade and period, and flags",
      description:
        'Units are attributed to the passport version in force at their commissioning time (the latest validFrom at or before it); units commissioned before any version applied are counted as unassessed.',
      parameters: [
        { name: 'actor', in: 'path', required: true, schema: { type: 'string' } },
        query('period', 'month, quarter or year (default year)', { enum: ['month', 'quarter', 'year'] }),
        query('from', 'event time from (inclusive), ISO 8601 with offset', { type: 'string', format: 'date-time' }),
        query('to', 'event time to (exclusive)', { type: 'string', format: 'date-time' }),
      ],
      responses: {
        '200': {
          description: '{"producer", "period", "products", "periods", "flags"}',
          content: json({ type: 'object' }),
        },
        '400': problem,
        '404': problem,
      },
    },
  },
  '/audit': {
    get: {
      summary:
        'Every audit rule over the log: mass balance, impossible yields, overdrawn lots, shipments not received or sent for recycling to the wrong place, events dated outside their signer’s registration, design flags; each finding with its numbers and statements',
      parameters: ['facility', 'material', 'rule', 'from', 'to'].map((name) => ({
        name,
        in: 'query',
        required: false,
        schema: { type: 'string', ...(name === 'from' || name === 'to' ? { format: 'date-time' } : {}) },
      })),
      responses: {
        '200': { description: '{"events", "findings", "notBalanced"}', content: json({ type: 'object' }) },
        '400': problem,
      },
    },
  },
  '/audit/findings/{id}/evidence': {
    get: {
      summary:
        "A finding's evidence bundle: its statements with inclusion proofs against one checkpoint, and the finding",
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { '200': { description: 'the bundle', content: json({ type: 'object' }) }, '404': problem },
    },
  },
  '/evidence/{sha256}': {
    get: {
      summary: 'A stored evidence bundle, byte for byte (immutable)',
      parameters: [
        { name: 'sha256', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
      ],
      responses: {
        '200': { description: 'the bundle', content: json({ type: 'object' }) },
        '400': problem,
        '404': problem,
      },
    },
  },
  '/evidence': {
    post: {
      summary:
        'Store an evidence bundle that verifies against this log, under the SHA-256 of its canonical JSON; a finding statement then names it (actor or operator token)',
      security: [{ operatorToken: [] }],
      requestBody: { content: json({ type: 'object' }) },
      responses: {
        '201': { description: '{"sha256", "report"}', content: json({ type: 'object' }) },
        '400': problem,
        '401': problem,
        '413': problem,
      },
    },
    get: {
      summary:
        'An evidence bundle for these statements: each with its inclusion proof against one signed checkpoint, and the registry statements of their signers; check it offline with matterlog verify-evidence',
      parameters: [
        {
          name: 'index',
          in: 'query',
          required: true,
          schema: { type: 'array', items: { type: 'integer', minimum: 0 }, maxItems: 1000 },
          description: 'log indices (repeat the parameter, or separate with commas)',
        },
      ],
      responses: {
        '200': { description: 'the bundle (matterlog-evidence/1)', content: json({ type: 'object' }) },
        '400': problem,
        '404': problem,
      },
    },
  },
  '/findings': {
    post: {
      summary:
        'Publish a finding: {"statement": the auditor\'s signed finding statement, "bundle": its evidence bundle}. The signature stands for a token: the signer must be a registered auditor; the bundle must verify against this log and have the SHA-256 the statement names; then the bundle is stored (GET /evidence/{sha256}) and the statement logged',
      requestBody: {
        content: json({
          type: 'object',
          required: ['statement', 'bundle'],
          properties: { statement: { type: 'string' }, bundle: { type: 'object' } },
        }),
      },
      responses: {
        '201': {
          description: '{"sha256", "index", …} (the statement\'s submit result)',
          content: json({ type: 'object' }),
        },
        '400': problem,
        '403': problem,
        '413': problem,
      },
    },
  },
  '/facilities': {
    get: {
      summary: 'Facilities published in facility statements',
      parameters: [query('actor', 'only those of this actor')],
      responses: { '200': { description: '{"facilities": [...]}', content: json({ type: 'object' }) }, '400': problem },
    },
  },
  '/routes': {
    get: {
      summary: 'Routes operators published for their plants, as stated and as resolved over their catalog base',
      parameters: [query('actor', 'only those of this actor'), query('facility', 'only those at this facility')],
      responses: { '200': { description: '{"routes": [...]}', content: json({ type: 'object' }) }, '400': problem },
    },
  },
};

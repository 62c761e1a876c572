/**
 * Who may state what: the one table of roles and the statement kinds each may
 * issue. The server refuses anything else, and so does the read model when it
 * indexes the log (so a raw append cannot smuggle a claim past the table).
 */
export const ROLES = [
  'operator',
  'gateway',
  'producer',
  'collector',
  'recycler',
  'auditor',
  'witness',
  'public',
] as const;
export type Role = (typeof ROLES)[number];

export const KINDS = [
  'actor',
  'revocation',
  'epcis.event',
  'passport',
  'facility',
  'route',
  'policy',
  'plan',
  'finding',
] as const;
export type StatementKind = (typeof KINDS)[number];

/**
 * `own` means only about the issuer itself (a revocation of one's own key); an
 * operator revokes anyone's. A gateway states EPCIS events only on behalf of a
 * registered actor whose own role may state them (checked separately).
 */
export const ROLE_KINDS: Readonly<Record<Role, Readonly<Partial<Record<StatementKind, 'any' | 'own'>>>>> = {
  operator: { actor: 'any', revocation: 'any', facility: 'any', route: 'any', policy: 'any' },
  gateway: { 'epcis.event': 'any' },
  producer: { passport: 'any', 'epcis.event': 'any', revocation: 'own' },
  collector: { 'epcis.event': 'any', facility: 'any', revocation: 'own' },
  recycler: { 'epcis.event': 'any', facility: 'any', route: 'any', plan: 'any', policy: 'any', revocation: 'own' },
  auditor: { finding: 'any', revocation: 'own' },
  witness: { revocation: 'own' },
  public: { revocation: 'own' },
};

export const ROLE_MEANINGS: Readonly<Record<Role, string>> = {
  operator: 'runs this log: registers actors, revokes keys, publishes reference facilities, routes and policies',
  gateway: "the log's EPCIS capture gateway: signs events captured over HTTP on behalf of the authenticated actor",
  producer: 'places products on the market: publishes passports and EPCIS events',
  collector: 'collects and sorts waste: EPCIS events, its facilities',
  recycler: 'runs recycling plants: EPCIS events, facilities, routes, policies and plans',
  auditor: 'checks claims: publishes findings',
  witness: 'cosigns checkpoints (no statements of its own besides revoking its key)',
  public: 'a registered member of the public (no statements besides revoking its key)',
};

export function isRole(s: unknown): s is Role {
  return typeof s === 'string' && (ROLES as readonly string[]).includes(s);
}

export function isKind(s: unknown): s is StatementKind {
  return typeof s === 'string' && (KINDS as readonly string[]).includes(s);
}

/** How `role` may issue `kind`, or null when it may not. */
export function permission(role: Role, kind: StatementKind): 'any' | 'own' | null {
  return ROLE_KINDS[role][kind] ?? null;
}

/** The roles that may issue `kind`, for error messages. */
export function rolesFor(kind: StatementKind): Role[] {
  return ROLES.filter((r) => permission(r, kind) !== null);
}

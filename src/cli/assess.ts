import { existsSync } from 'node:fs';
import { Command } from 'commander';
import type { ProductAssessment } from '../app/product-service.js';
import { assessPassport, type PassportAssessment } from '../assess/assessment.js';
import { checkPassport, type PassportBody } from '../assess/passport.js';
import { ROUTES } from '../assess/routes.js';
import { fromUntp, toUntp } from '../assess/untp.js';
import { MatterlogError } from '../ledger/errors.js';
import { parseStatement } from '../statements/statement.js';
import { runAction } from './common.js';
import { getText, joinUrl } from './http-client.js';
import { printJson } from './output.js';
import { readText, urlOption } from './remote.js';

/** A passport from a file: its JSON body, or a signed `passport` statement. */
function readPassport(file: string): PassportBody {
  const text = readText(file);
  if (/\n\n\u2014 /.test(text)) {
    const s = parseStatement(text);
    if (s.statement.kind !== 'passport') {
      throw new MatterlogError('invalid_input', `${file} is a ${s.statement.kind} statement, not a passport`);
    }
    return checkPassport(s.statement.body);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new MatterlogError('invalid_input', `${file} is not JSON: ${(cause as Error).message}`, { cause });
  }
  // A UN Transparency Protocol Digital Product Passport is read through its mapping.
  const type = (value as { type?: unknown } | null)?.type;
  if (Array.isArray(type) ? type.includes('DigitalProductPassport') : type === 'DigitalProductPassport') {
    return fromUntp(value);
  }
  return checkPassport(value);
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const g = (kg: number) => `${(1000 * kg).toFixed(2)} g`;

function table(p: PassportBody, a: PassportAssessment): string {
  const r = a.recyclability;
  const lines = [
    `${p.product.name ?? p.product.gtin ?? p.product.digitalLink} (version ${p.version}), ${g(r.totalMassKg)}`,
    '',
    `Recoverable by design: ${pct(r.share)} (${g(r.recoveredKg)})   PPWR grade: ${a.ppwr.grade}`,
    `  from 2030: ${a.ppwr.from2030}`,
    `  from 2038: ${a.ppwr.from2038}`,
    '',
    'Parts and where they go:',
    ...r.parts.map(
      (part) =>
        `  ${part.components.join(' + ').padEnd(32)} ${g(part.massKg).padStart(10)}  ${(part.bestRoute ?? 'no route').padEnd(26)} recovers ${g(part.recoveredKg)}`,
    ),
    '',
    'If everything went to one route:',
    ...r.byRoute.map((x) => `  ${x.route.padEnd(28)} ${pct(x.share).padStart(6)}`),
    '',
    r.blockers.length > 0 ? 'What the design costs:' : 'Nothing in the design costs recovered mass.',
    ...r.blockers.map((b) => `  ${g(b.costKg).padStart(10)} (${pct(b.costShare)})  ${b.explanation}`),
    `  ${g(r.processLossKg).padStart(10)}  lost to process yields even in the ideal design`,
    '',
    `Material Circularity Indicator: ${a.mci.MCI.toFixed(3)} (LFI ${a.mci.LFI.toFixed(3)}, X ${a.mci.X.toFixed(2)}); assumes ${a.mci.assumptions.join('; ')}`,
    '',
    `End-of-life emissions (EPA WARM v16, unrecovered parts ${a.emissions.residual}):`,
    `  best mix   ${a.emissions.bestMix.kgCo2e.toFixed(4)} kg CO2e${a.emissions.bestMix.uncoveredKg > 0 ? ` (+ ${g(a.emissions.bestMix.uncoveredKg)} without a WARM factor)` : ''}`,
    ...Object.entries(a.emissions.byRoute).map(
      ([id, e]) =>
        `  ${id.padEnd(10)} ${e.kgCo2e.toFixed(4)} kg CO2e${e.uncoveredKg > 0 ? ` (+ ${g(e.uncoveredKg)} without a WARM factor)` : ''}`,
    ),
  ];
  if (a.flags.length > 0) lines.push('', 'FLAGS:', ...a.flags.map((f) => `  ${f.kind}: ${f.message}`));
  return lines.join('\n');
}

/** A product id rather than a file: not a path that exists, and shaped like a GTIN or a Digital Link. */
function isProductId(arg: string): boolean {
  return arg !== '-' && !existsSync(arg) && (/^\d{8,14}$/.test(arg) || /^https?:\/\/[^/]+\/(.+\/)?01\/\d/.test(arg));
}

async function remoteAssessment(
  url: string,
  id: string,
  opts: { passportVersion?: string; routes?: string; facility?: string },
): Promise<ProductAssessment> {
  const q = new URLSearchParams();
  if (opts.passportVersion) q.set('version', opts.passportVersion);
  if (opts.routes) q.set('routes', opts.routes);
  if (opts.facility) q.set('facility', opts.facility);
  const path = `products/${encodeURIComponent(id)}/assessment${q.size > 0 ? `?${q}` : ''}`;
  return JSON.parse(await getText(joinUrl(url, path))) as ProductAssessment;
}

export function assessCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('assess')
    .summary('assess a product passport: recyclability by design, PPWR grade, MCI, emissions, flags')
    .description(
      'Assesses a passport file (its JSON body, a signed passport statement, or a UN Transparency Protocol Digital Product Passport) against the routes catalog: the share of mass each route recovers and the best achievable share, the design features and joins that cost recovered mass and how much, the EU PPWR grade with its 2030 and 2038 consequences, the Ellen MacArthur Material Circularity Indicator (with its assumptions), end-of-life emissions from EPA WARM v16, and flags. --previous compares with the version it replaces; --untp prints the passport in the UNTP DPP shape instead.',
    )
    .argument(
      '<passport>',
      'a passport JSON file or signed passport statement ("-" reads standard input), or a product id (GTIN or GS1 Digital Link) to assess from the log at --url',
    )
    .option(
      '--routes <ids>',
      `available routes, comma-separated (default: all: ${ROUTES.map((r) => r.id).join(', ')}); for a product id also routes operators published`,
    )
    .option('--passport-version <label>', 'for a product id: the passport version (default: the latest)')
    .option('--facility <id>', 'for a product id: assess against the routes this facility runs (its location id)')
    .option('--previous <passport>', 'the version this one replaces, to flag a regression')
    .option('--json', 'print the assessment as JSON')
    .option(
      '--untp',
      'print the passport as a UN Transparency Protocol Digital Product Passport (0.6.1) with its assessment',
    )
    .option('--issuer <id>', 'with --untp: the credential issuer (a DID or URI, or an actor name host/path)')
    .action(
      async (
        file: string,
        opts: {
          routes?: string;
          previous?: string;
          json?: boolean;
          untp?: boolean;
          issuer?: string;
          url: string;
          passportVersion?: string;
          facility?: string;
        },
      ) => {
        setExit(
          await runAction(async () => {
            if (isProductId(file)) {
              const r = await remoteAssessment(opts.url, file, opts);
              if (opts.json) printJson(r);
              else {
                process.stdout.write(
                  `product ${r.product}, version ${r.version.version} by ${r.version.producer} (log index ${r.version.index}); routes: ${r.routes.join(', ')}\n\n`,
                );
                process.stdout.write(`${table(r.passport, r.assessment)}\n`);
              }
              return undefined;
            }
            if (opts.passportVersion || opts.facility) {
              throw new MatterlogError(
                'invalid_input',
                '--passport-version and --facility apply to a product id, not a file',
              );
            }
            let routes = ROUTES;
            if (opts.routes) {
              const ids = opts.routes.split(',').map((s) => s.trim());
              const unknown = ids.filter((id) => !ROUTES.some((r) => r.id === id));
              if (unknown.length > 0) {
                throw new MatterlogError(
                  'invalid_input',
                  `unknown route ${unknown.join(', ')}; "matterlog catalog routes" lists them`,
                );
              }
              routes = ROUTES.filter((r) => ids.includes(r.id));
            }
            const passport = readPassport(file);
            const previous = opts.previous ? assessPassport(readPassport(opts.previous), routes) : undefined;
            const a = assessPassport(passport, routes, previous ? { previous } : {});
            if (opts.untp) {
              printJson(
                toUntp(passport, {
                  assessment: { share: Math.min(1, a.recyclability.share), mci: a.mci.MCI, grade: a.ppwr.grade },
                  ...(opts.issuer ? { issuer: opts.issuer } : {}),
                }),
              );
            } else if (opts.json) printJson({ product: passport.product, version: passport.version, ...a });
            else process.stdout.write(`${table(passport, a)}\n`);
            return undefined;
          }),
        );
      },
    );
  return urlOption(cmd);
}

import { existsSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { type Comparison, compareWith, type PolicyRef, planBytes, solveWith } from '../app/optimize-service.js';
import { WorkerSolver } from '../app/solver-pool.js';
import { MatterlogError } from '../ledger/errors.js';
import { catalogOptions, checkOptions, type RouteOption } from '../optimize/network.js';
import type { PlanDocument } from '../optimize/plan.js';
import { checkPolicy } from '../optimize/policy.js';
import { type VerifyReport, verifyPlan } from '../optimize/verify-plan.js';
import { parseStatement } from '../statements/statement.js';
import { runAction } from './common.js';
import { joinUrl, request } from './http-client.js';
import { info, printJson } from './output.js';
import { comparisonTable, planTable } from './plan-output.js';
import { operatorOptions, operatorToken, readText } from './remote.js';

function readJsonFile(file: string, what: string): unknown {
  const text = readText(file);
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new MatterlogError('invalid_input', `${file} (${what}) is not JSON: ${(cause as Error).message}`, { cause });
  }
}

/** A policy from a file (its body, or a signed policy statement); else null (an id for the server). */
function policyFile(ref: string): PolicyRef | null {
  if (!existsSync(ref)) return null;
  const text = readText(ref);
  if (/\n\n\u2014 /.test(text)) {
    const s = parseStatement(text);
    if (s.statement.kind !== 'policy')
      throw new MatterlogError('invalid_input', `${ref} is a ${s.statement.kind} statement, not a policy`);
    return { body: checkPolicy(s.statement.body), index: null };
  }
  return { body: checkPolicy(readJsonFile(ref, 'policy')), index: null };
}

async function post(url: string, path: string, body: unknown, token: string): Promise<unknown> {
  const res = await request(joinUrl(url, path), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return res.json();
}

interface Opts {
  policy?: string;
  lots: string;
  options?: string;
  catalog?: boolean;
  compare?: string[];
  url?: string;
  out?: string;
  json?: boolean;
  timeLimit?: number;
  token?: string;
  tokenFile?: string;
}

export function optimizeCommand(setExit: (code: number) => void): Command {
  return operatorOptions(new Command('optimize'))
    .summary('route lots to recycling under a policy: the optimal plan, with a certificate anyone can check')
    .description(
      'Solves the routing of the lots (a JSON file {"lots": [{"id", "massTonnes", "composition": {material: fraction}, "contamination"?, "location"?}]}) under a policy (a JSON policy body or a signed policy statement; with --url, also the id of a policy in the log, "id" or "id@version") with HiGHS on a worker thread. An LP, or a MIP when the policy has fixed costs, minimum batches or truckloads. Prints where the lots go, the totals, the binding constraints with their shadow prices, and what the certificate proves; --out writes the plan document for "matterlog verify-plan" and publication. --compare solves the same lots under several policies side by side. Without --url everything runs here; with --url the server solves, with the routes and policies published in its log. Exit 2 when the policy cannot be met (the conflicting constraints are named).',
    )
    .option('--policy <file|id>', 'the policy: a file, or with --url a policy id in the log')
    .requiredOption(
      '--lots <file|log:facility>',
      'the lots, JSON ("-" reads standard input); or log:<facility id> for the lots the log says that facility holds (with --url)',
    )
    .option(
      '--options <file>',
      'route options, JSON list (default: with --url the routes published in the log, else the catalog)',
    )
    .option('--catalog', "use the catalog's routes even when the log has published ones")
    .option('--compare <policies...>', 'solve under each of these policies (files or ids) and compare')
    .option(
      '--url <url>',
      'solve on this server, with its published routes and policies (env MATTERLOG_URL)',
      process.env['MATTERLOG_URL'],
    )
    .option('--out <file>', 'write the plan document (canonical JSON) here')
    .option('--time-limit <seconds>', 'stop the solver after this long', Number)
    .option('--json', 'print the plan document (or the comparison) as JSON')
    .action(async (opts: Opts) => {
      setExit(
        await runAction(async () => {
          // "log:<facility>": the lots the log says that facility holds (needs --url).
          const query = opts.lots.startsWith('log:') ? opts.lots.slice(4) : null;
          if (query !== null && !opts.url) {
            throw new MatterlogError('invalid_input', '--lots log:<facility> reads the lots from a log: give --url');
          }
          const lotsDoc = query !== null ? { facility: query } : readJsonFile(opts.lots, 'lots');
          const lots = query !== null || Array.isArray(lotsDoc) ? lotsDoc : (lotsDoc as { lots?: unknown }).lots;
          const options: RouteOption[] | undefined = opts.options
            ? checkOptions(readJsonFile(opts.options, 'options'))
            : opts.catalog
              ? catalogOptions()
              : undefined;
          const refs = opts.compare ?? (opts.policy ? [opts.policy] : []);
          if (refs.length === 0) throw new MatterlogError('invalid_input', 'give --policy (or --compare with several)');
          const stage = (s: string) => {
            if (process.stderr.isTTY && !opts.json) info(`optimize: ${s}…`);
          };
          if (opts.url) {
            const policies = refs.map((r) => policyFile(r)?.body ?? r);
            const opt = options ?? (opts.catalog ? 'catalog' : undefined);
            if (opts.compare) {
              const r = (await post(
                opts.url,
                '/optimize/compare',
                { policies, lots, options: opt },
                operatorToken(opts),
              )) as {
                comparison: Comparison[];
              };
              if (opts.json) printJson(r.comparison);
              else process.stdout.write(`${comparisonTable(r.comparison)}\n`);
              return undefined;
            }
            stage('solving on the server');
            const r = (await post(
              opts.url,
              '/optimize',
              { policy: policies[0], lots, options: opt },
              operatorToken(opts),
            )) as {
              plan: PlanDocument;
              report: VerifyReport;
              solveMs: number;
            };
            return finish(r.plan, verifyPlan(r.plan), opts, r.solveMs);
          }
          const solver = new WorkerSolver();
          try {
            const policies = refs.map((r) => {
              const p = policyFile(r);
              if (!p) throw new MatterlogError('invalid_input', `${r} is not a file; policies in a log need --url`);
              return p;
            });
            const routeOptions = options ?? catalogOptions();
            const solveOpts = { onStage: stage, ...(opts.timeLimit ? { timeLimitSeconds: opts.timeLimit } : {}) };
            if (opts.compare) {
              const rows = await compareWith(solver, policies, lots, routeOptions, solveOpts);
              if (opts.json) printJson(rows);
              else process.stdout.write(`${comparisonTable(rows)}\n`);
              return undefined;
            }
            let solveMs = 0;
            const plan = await solveWith(
              solver,
              { policy: policies[0] as PolicyRef, lots, options: routeOptions },
              { ...solveOpts, onSolved: (ms) => (solveMs = ms) },
            );
            return finish(plan, verifyPlan(plan), opts, solveMs);
          } finally {
            await solver.close();
          }
        }),
      );
    });
}

function finish(plan: PlanDocument, report: VerifyReport, opts: Opts, solveMs: number): undefined {
  const { bytes, sha256 } = planBytes(plan);
  if (opts.out) writeFileSync(opts.out, bytes);
  if (opts.json) printJson(plan);
  else process.stdout.write(`${planTable(plan, report, sha256, solveMs)}\n`);
  return undefined;
}

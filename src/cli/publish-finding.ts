/**
 * `matterlog publish-finding <id>`: an auditor publishes one of the audit's
 * findings. The finding's evidence bundle is fetched from the server, and a
 * `finding` statement carrying the SHA-256 of the bundle's canonical JSON,
 * the rule, subject and numbers is signed with the auditor's key; both go to
 * POST /findings, which checks the signer, verifies the bundle, stores it by
 * its digest and logs the statement. Anyone can then fetch the bundle by its
 * digest and redo the check with `verify-evidence`.
 */
import { Command } from 'commander';
import type { FindingBody } from '../audit/finding-statement.js';
import { toHex, utf8 } from '../ledger/bytes.js';
import { sha256 } from '../ledger/crypto.js';
import { MatterlogError } from '../ledger/errors.js';
import { canonicalJson, type JsonValue } from '../statements/canonical-json.js';
import { signStatement } from '../statements/statement.js';
import { runAction } from './common.js';
import { getText, joinUrl, request } from './http-client.js';
import { printJson } from './output.js';
import { urlOption } from './remote.js';
import { readKey } from './sign.js';

interface Opts {
  url: string;
  key: string;
  comment?: string;
  json?: boolean;
}

interface BundleFinding {
  rule: string;
  severity: FindingBody['severity'];
  subject: Record<string, string>;
  numbers: Record<string, number>;
}

export function publishFindingCommand(setExit: (code: number) => void): Command {
  return urlOption(
    new Command('publish-finding')
      .summary('publish an audit finding as your signed statement, its evidence bundle stored by digest')
      .description(
        'Fetches the evidence bundle of finding ID (as "matterlog audit" lists it) from the server, signs a finding statement with your auditor key carrying the SHA-256 of the bundle (its RFC 8785 canonical JSON) with the rule, severity, subject and numbers, and sends both to POST /findings: the server checks your signature and role, verifies the bundle against the log, stores it (served at /evidence/<sha256>) and logs the statement. It refuses a statement whose numbers are not the bundle\'s. No token is needed: your signature says who you are. Prints the statement\'s log index and where the bundle is served. Exit 6 when the server does not accept you as an auditor.',
      )
      .argument('<id>', 'the finding id from "matterlog audit"'),
  )
    .requiredOption('--key <file>', 'your auditor key (from "matterlog keygen"); its name is your actor name')
    .option('--comment <text>', 'your words, logged with the finding (at most 2,000 characters)')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, opts: Opts) => {
      setExit(
        await runAction(async () => {
          if (!/^[0-9a-f]{20}$/.test(id)) {
            throw new MatterlogError(
              'invalid_input',
              `"${id}" is not a finding id (20 hex digits, as "matterlog audit" lists them)`,
            );
          }
          const key = readKey(opts.key);
          const bundle = JSON.parse(await getText(joinUrl(opts.url, `/audit/findings/${id}/evidence`))) as {
            finding?: BundleFinding;
          };
          const finding = bundle.finding;
          if (!finding)
            throw new MatterlogError('unavailable', `the server's bundle for finding ${id} holds no finding`);
          const body: FindingBody = {
            bundle: toHex(sha256(utf8(canonicalJson(bundle as unknown as JsonValue)))),
            rule: finding.rule,
            severity: finding.severity,
            subject: finding.subject,
            numbers: finding.numbers,
            ...(opts.comment !== undefined ? { comment: opts.comment } : {}),
          };
          const statement = signStatement(
            {
              v: 1,
              kind: 'finding',
              issuer: key.signer.name,
              issued: new Date().toISOString(),
              body: body as unknown as JsonValue,
            },
            [key.signer],
          );
          const res = await request(joinUrl(opts.url, '/findings'), {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ statement, bundle }),
          });
          const result = (await res.json()) as { index: number; sha256: string; duplicate?: boolean };
          const out = { finding: id, rule: finding.rule, index: result.index, bundle: result.sha256 };
          if (opts.json) printJson(out);
          else {
            process.stdout.write(
              `finding ${id} (${finding.rule}) logged at index ${out.index}; its evidence: ${joinUrl(opts.url, `/evidence/${out.bundle}`)}\n`,
            );
          }
          return undefined;
        }),
      );
    });
}

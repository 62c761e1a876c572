import { Command } from 'commander';
import { MatterlogError } from '../ledger/errors.js';
import { isRole, ROLE_MEANINGS, ROLES } from '../statements/roles.js';
import { runAction } from './common.js';
import { joinUrl, request } from './http-client.js';
import { printJson } from './output.js';
import { operatorOptions, operatorToken, type RemoteOptions, urlOption } from './remote.js';

interface ActorList {
  actors: {
    name: string;
    role: string;
    index: number;
    registered: string;
    keys: { vkey: string; revokedFrom: string | null }[];
  }[];
}

async function post(opts: RemoteOptions, path: string, body: unknown): Promise<unknown> {
  const res = await request(joinUrl(opts.url, path), {
    method: 'POST',
    headers: { Authorization: `Bearer ${operatorToken(opts)}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return res.json();
}

export function actorCommand(setExit: (code: number) => void): Command {
  const actor = new Command('actor')
    .summary('register actors, list them, revoke keys, issue capture tokens')
    .description(
      'Manages the actors whose statements the log accepts. Registration and revocation are statements signed by the operator key and logged for everyone to see; capture tokens are secrets kept (hashed) by the server.',
    )
    .addHelpText('after', `\nRoles:\n${ROLES.map((r) => `  ${r.padEnd(10)} ${ROLE_MEANINGS[r]}`).join('\n')}`);

  actor.addCommand(
    operatorOptions(urlOption(new Command('add')))
      .summary('register an actor (operator)')
      .requiredOption('--name <actor>', 'the actor name (its key carries the same name)')
      .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
      .requiredOption('--vkey <vkey>', 'the verifier key printed by "matterlog keygen"')
      .option('--title <text>', 'a human-readable name')
      .option('--json', 'print the result as JSON')
      .action(
        async (opts: RemoteOptions & { name: string; role: string; vkey: string; title?: string; json?: boolean }) => {
          setExit(
            await runAction(async () => {
              if (!isRole(opts.role))
                throw new MatterlogError('invalid_input', `--role must be one of ${ROLES.join(', ')}`);
              const r = (await post(opts, '/actors', {
                name: opts.name,
                role: opts.role,
                vkey: opts.vkey,
                ...(opts.title ? { title: opts.title } : {}),
              })) as { index: number; duplicate: boolean };
              if (opts.json) printJson(r);
              else
                process.stdout.write(
                  `${opts.name} registered as ${opts.role} at log index ${r.index}${r.duplicate ? ' (already)' : ''}\n`,
                );
              return undefined;
            }),
          );
        },
      ),
  );

  actor.addCommand(
    urlOption(new Command('list'))
      .summary('list registered actors and their keys')
      .option('--json', 'print the registry as JSON')
      .action(async (opts: RemoteOptions & { json?: boolean }) => {
        setExit(
          await runAction(async () => {
            const list = (await (await request(joinUrl(opts.url, '/actors'))).json()) as ActorList;
            if (opts.json) printJson(list);
            else {
              for (const a of list.actors) {
                const live = a.keys.filter((k) => k.revokedFrom === null).length;
                process.stdout.write(
                  `${a.name.padEnd(40)} ${a.role.padEnd(10)} index ${String(a.index).padEnd(8)} keys ${live}/${a.keys.length} live\n`,
                );
              }
            }
            return undefined;
          }),
        );
      }),
  );

  actor.addCommand(
    operatorOptions(urlOption(new Command('revoke')))
      .summary("revoke an actor's key from a given time (operator)")
      .requiredOption('--name <actor>', 'whose key')
      .requiredOption('--reason <text>', 'why (logged for everyone)')
      .option('--vkey <vkey>', 'which key (default: its only unrevoked key)')
      .option('--from <time>', 'RFC 3339 UTC time from which the key signs nothing (default: now)')
      .option('--json', 'print the result as JSON')
      .action(
        async (
          opts: RemoteOptions & { name: string; reason: string; vkey?: string; from?: string; json?: boolean },
        ) => {
          setExit(
            await runAction(async () => {
              const r = (await post(opts, '/actors/revocations', {
                name: opts.name,
                reason: opts.reason,
                ...(opts.vkey ? { vkey: opts.vkey } : {}),
                ...(opts.from ? { from: opts.from } : {}),
              })) as { index: number };
              if (opts.json) printJson(r);
              else process.stdout.write(`key of ${opts.name} revoked at log index ${r.index}\n`);
              return undefined;
            }),
          );
        },
      ),
  );

  actor.addCommand(
    operatorOptions(urlOption(new Command('token')))
      .summary('issue an EPCIS capture token for an actor (operator)')
      .description(
        "Issues a bearer token with which an existing EPCIS client captures events as this actor (POST /epcis/capture). The server signs those events with its capture gateway key, naming the actor, so they stay distinguishable from the actor's own signed statements. The token is printed once; the server keeps only its hash. --revoke withdraws all of the actor's tokens instead.",
      )
      .requiredOption('--name <actor>', 'the actor the token captures for')
      .option('--revoke', 'withdraw every capture token of the actor')
      .option('--json', 'print the result as JSON')
      .action(async (opts: RemoteOptions & { name: string; revoke?: boolean; json?: boolean }) => {
        setExit(
          await runAction(async () => {
            if (opts.revoke) {
              const res = await request(joinUrl(opts.url, `/actors/tokens?name=${encodeURIComponent(opts.name)}`), {
                method: 'DELETE',
                headers: { Authorization: `Bearer ${operatorToken(opts)}` },
              });
              const r = (await res.json()) as { revoked: number };
              if (opts.json) printJson(r);
              else process.stdout.write(`${r.revoked} token(s) of ${opts.name} withdrawn\n`);
              return undefined;
            }
            const r = (await post(opts, '/actors/tokens', { name: opts.name })) as { token: string };
            if (opts.json) printJson(r);
            else process.stdout.write(`${r.token}\n`);
            return undefined;
          }),
        );
      }),
  );
  return actor;
}

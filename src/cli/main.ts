/**
 * The `matterlog` command: one file per verb, wired here.
 */
import { Command, CommanderError } from 'commander';
import { API_VERSION } from '../server/app.js';
import { actorCommand } from './actor.js';
import { appendCommand } from './append.js';
import { assessCommand } from './assess.js';
import { auditCommand } from './audit.js';
import { captureCommand } from './capture.js';
import { catalogCommand } from './catalog.js';
import { demoCommand } from './demo.js';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';
import { exportTilesCommand } from './export-tiles.js';
import { initCommand } from './init.js';
import { keygenCommand } from './keygen.js';
import { optimizeCommand } from './optimize.js';
import { portfolioCommand } from './portfolio.js';
import { publishFindingCommand } from './publish-finding.js';
import { reindexCommand } from './reindex.js';
import { serveCommand } from './serve.js';
import { signCommand } from './sign.js';
import { submitCommand } from './submit.js';
import { verifyCommand } from './verify.js';
import { verifyEvidenceCommand } from './verify-evidence.js';
import { verifyPlanCommand } from './verify-plan.js';

export async function run(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  const setExit = (c: number) => {
    code = c;
  };
  const program = new Command('matterlog')
    .description(
      'An open, verifiable ledger for recycling: signed statements and GS1 EPCIS 2.0 events in a C2SP tlog-tiles transparency log.',
    )
    .version(API_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `\n${EXIT_CODES_HELP}\n\nEvery option also reads a MATTERLOG_* environment variable, named in its help.`,
    )
    .exitOverride();
  for (const make of [
    initCommand,
    serveCommand,
    appendCommand,
    verifyCommand,
    exportTilesCommand,
    keygenCommand,
    actorCommand,
    signCommand,
    submitCommand,
    captureCommand,
    reindexCommand,
    catalogCommand,
    assessCommand,
    portfolioCommand,
    optimizeCommand,
    verifyPlanCommand,
    verifyEvidenceCommand,
    auditCommand,
    publishFindingCommand,
    demoCommand,
  ]) {
    program.addCommand(make(setExit).exitOverride().addHelpText('after', `\n${EXIT_CODES_HELP}`));
  }
  if (argv.length <= 2) {
    process.stderr.write(program.helpInformation());
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') {
        return EXIT.ok;
      }
      return EXIT.usage;
    }
    throw e;
  }
  return code;
}

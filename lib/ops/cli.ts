import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_ENVIRONMENT } from '../../bin/environments';
import { type CliIo, createContext, type GlobalOptions, type OpsContext } from './context';
import { describeError, EXIT } from './errors';

/** A command's work: returns the exit code. */
export type CommandHandler = (ctx: OpsContext, options: Record<string, any>, args: string[]) => Promise<number>;

/** Turns a handler into a commander action that builds the context from the global options. */
export type ActionFactory = (handler: CommandHandler) => (...args: any[]) => Promise<void>;

/** A module of commands: adds them to the program. */
export type CommandModule = (program: Command, action: ActionFactory) => void;

/** The program without its commands: global options, help, and errors as exit codes. */
function baseProgram(io: CliIo): Command {
  return new Command('platform-ops')
    .description('See and steer the deployed platform: rate plans, usage, budget, canary weights, the spend breaker')
    .addOption(new Option('-e, --env <name>', 'the environment config that describes the deployment').default(DEFAULT_ENVIRONMENT))
    .option('--profile <name>', 'AWS profile (default: the standard credential chain)')
    .option('--region <region>', 'AWS region (default: the standard chain: AWS_REGION, the profile)')
    .option('--json', 'JSON output for machines', false)
    .option('--cdk-out <dir>', 'the cloud assembly written by cdk synth', 'cdk.out')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
}

/**
 * Runs the CLI on `argv` (as process.argv: node, script, then arguments) with these commands, and
 * returns the exit code: 0 ok, 1 drift or a failed check, 2 usage or access errors.
 */
export async function runCli(argv: string[], modules: CommandModule[], io: CliIo): Promise<number> {
  const program = baseProgram(io);
  let exitCode: number = EXIT.OK;
  const action: ActionFactory = (handler) => async (...args: any[]) => {
    const command = args[args.length - 1] as Command;
    const options = command.optsWithGlobals() as GlobalOptions & Record<string, any>;
    exitCode = await handler(createContext(options, io), options, command.args);
  };
  for (const register of modules) register(program, action);

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and --version are answers, not errors; commander has already printed what was wrong.
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    const { message, exitCode: code } = describeError(err);
    io.stderr.write(`error: ${message}\n`);
    return code;
  }
}

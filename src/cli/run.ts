import { BerthApi } from './api-client';
import { CliError, exitCodes, type ExitCode } from './cli-error';
import { commands } from './commands';
import { connection, parseCommandArgs, usage } from './options';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
}

/** Runs one `berth` command line and returns its exit code; never calls process.exit. */
export async function runCli(argv: string[], io: CliIo): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? io.stderr : io.stdout).write(usage);
    return name === undefined ? exitCodes.usage : exitCodes.succeeded;
  }
  try {
    const command = commands[name];
    if (!command) throw new CliError(exitCodes.usage, `unknown command "${name}"; commands are ${Object.keys(commands).join(', ')}`);
    const { values, positionals } = parseCommandArgs(rest, command.options);
    if (values.help) {
      io.stdout.write(usage);
      return exitCodes.succeeded;
    }
    if (positionals.length !== command.positionals.length) {
      const wanted = command.positionals.map((p) => `<${p}>`).join(' ') || 'no arguments';
      throw new CliError(exitCodes.usage, `berth ${name} takes ${wanted}, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`);
    }
    const { url, token } = connection(values, io.env);
    const tty = io.stdout.isTTY === true && !io.env.NO_COLOR;
    await command.run(new BerthApi(url, token), values, positionals, { out: (line) => io.stdout.write(`${line}\n`), tty });
    return exitCodes.succeeded;
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    io.stderr.write(`berth ${name}: ${error.message}\n`);
    if (error.exitCode === exitCodes.usage && /required|unknown|takes|give exactly|Unknown option|needs/.test(error.message)) io.stderr.write(`\n${usage}`);
    return error.exitCode;
  }
}

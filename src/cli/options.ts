import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseDurationMs } from '../config/duration';
import { CliError, exitCodes } from './cli-error';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | undefined>;

/** Every command takes these; the token is better passed as BERTH_TOKEN, which no process list shows. */
export const commonOptions = {
  url: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpecs;

export const waitOptions = {
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
} as const satisfies OptionSpecs;

/** Parses one command's flags strictly: an unknown or malformed flag is a usage error. */
export function parseCommandArgs(args: string[], options: OptionSpecs): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options: { ...commonOptions, ...options }, allowPositionals: true, strict: true });
    return { values: values as Values, positionals };
  } catch (error) {
    throw new CliError(exitCodes.usage, (error as Error).message);
  }
}

export function required(values: Values, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new CliError(exitCodes.usage, `--${name} is required`);
  return value;
}

/** `--timeout 10m`: milliseconds; only meaningful while waiting. */
export function timeoutMs(values: Values, waiting: boolean): number | undefined {
  if (values.timeout === undefined) return undefined;
  if (!waiting) throw new CliError(exitCodes.usage, '--timeout needs --wait');
  const ms = parseDurationMs(String(values.timeout));
  if (ms === undefined || ms <= 0) throw new CliError(exitCodes.usage, `--timeout: "${values.timeout}" is not a duration like 90s, 10m or 1h`);
  return ms;
}

/** Where Berth answers and how to authenticate: flags first, then BERTH_URL and BERTH_TOKEN. */
export function connection(values: Values, env: NodeJS.ProcessEnv): { url: string; token: string } {
  const url = (values.url as string | undefined) ?? env.BERTH_URL;
  const token = (values.token as string | undefined) ?? env.BERTH_TOKEN;
  if (!url) throw new CliError(exitCodes.usage, 'set BERTH_URL (or pass --url) to where Berth\'s API answers, e.g. https://berth.example.com');
  if (!/^https?:\/\/[^\s/]+/.test(url)) throw new CliError(exitCodes.usage, `BERTH_URL: "${url}" should be an http:// or https:// URL`);
  if (!token) throw new CliError(exitCodes.usage, 'set BERTH_TOKEN (or pass --token) to an API token');
  return { url, token };
}

export const usage = `usage: berth <command> [flags]

commands:
  deploy   --project P --environment E (--tag T | --image REF) [--commit SHA] [--commit-time ISO]
           [--idempotency-key K] [--wait [--timeout 10m]]
  rollback --project P --environment E [--release R] [--wait [--timeout 10m]]
  approve  <id> [--comment TEXT]
  reject   <id> [--comment TEXT]
  status   <id> [--json]
  wait     <id> [--timeout 10m]
  cancel   <id>

every command: --url (or BERTH_URL), --token (or BERTH_TOKEN)

exit codes: 0 succeeded; 1 failed, rolled_back, rejected, expired, cancelled, or Berth refused;
            2 usage or configuration error; 3 --timeout reached (the deploy keeps running)
`;

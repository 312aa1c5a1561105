import { ConfigError } from '../config/load-config';

/** What one worker process polls: the workflow queue, and which hosts' activity queues. */
export interface WorkerSelection {
  workflows: boolean;
  hosts: string[];
}

/**
 * `berth worker` polls everything; `--host app2` (repeatable, or a comma list,
 * or BERTH_HOSTS=app2) polls only those hosts' activity queues, and
 * `--workflows` adds (or, alone, selects only) the workflow and notify worker.
 * Pure: argv after the role, the BERTH_HOSTS value and the configured hosts.
 */
export function selectWorkers(args: string[], envHosts: string | undefined, configured: string[]): WorkerSelection {
  const problems: string[] = [];
  const named: string[] = [];
  let workflows = false;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg === '--workflows') workflows = true;
    else if (arg === '--host' && args[i + 1] !== undefined) named.push(...split(args[++i]));
    else if (arg.startsWith('--host=')) named.push(...split(arg.slice('--host='.length)));
    else problems.push(`unknown argument "${arg}"; use --host <name>[,<name>] and --workflows`);
  }
  if (named.length === 0 && envHosts?.trim()) named.push(...split(envHosts));
  for (const host of named) {
    if (!configured.includes(host)) problems.push(`--host: unknown host "${host}"; hosts are: ${configured.join(', ')}`);
  }
  if (problems.length) throw new ConfigError('command line', problems);
  if (named.length === 0 && !workflows) return { workflows: true, hosts: configured };
  return { workflows, hosts: [...new Set(named)] };
}

function split(list: string): string[] {
  return list.split(',').map((host) => host.trim()).filter(Boolean);
}

import { proxyFor, type BerthConfig } from './schema';

/**
 * Pure: environments that ask for more web replicas than their proxy can
 * hold. Nginx Proxy Manager forwards a proxy host to one target; saying so
 * at start beats a deploy that fails at the switch.
 */
export function replicaIssues(config: BerthConfig): string[] {
  const issues: string[] = [];
  for (const [project, { environments }] of Object.entries(config.projects)) {
    for (const [name, environment] of Object.entries(environments)) {
      const replicas = environment.replicas ?? 1;
      if (replicas > 1 && proxyFor(config, environment.host).driver === 'npm') {
        issues.push(`projects/${project}/environments/${name}/replicas: ${replicas} replicas need a proxy that balances (caddy or nginx); Nginx Proxy Manager forwards to one target`);
      }
    }
  }
  return issues;
}

import type { WorldState } from './world';

export interface ProductionProject {
  host: string;
  /** Project settings over the defaults (health, drain, ...). */
  settings?: Record<string, unknown>;
  environments?: Record<string, Record<string, unknown>>;
}

export interface ProductionConfigInput {
  name: string;
  projects: Record<string, ProductionProject>;
  /** Host ports for the apps, split evenly between the hosts. */
  ports: string;
  temporal: { address: string; namespace: string };
  testWorld: WorldState;
  /** Where the token files are: the config refers to them as file: references. */
  secretsDir: string;
  apiPort: number;
  hostname(project: string, environment: string): string;
  hosts?: Record<string, Record<string, unknown>>;
}

/** A production-style berth.yaml (as JSON, which is YAML): Temporal configured, tokens from files. */
export function productionConfig(input: ProductionConfigInput) {
  const hosts = [...new Set(Object.values(input.projects).map((project) => project.host))];
  const [low, high] = input.ports.split('-').map(Number);
  const span = Math.floor((high - low + 1) / hosts.length);
  const { testWorld } = input;
  return {
    temporal: { ...input.temporal, taskQueue: `berth-${input.name}` },
    api: {
      listen: `127.0.0.1:${input.apiPort}`,
      tokens: [
        { name: 'ci', secret: `file:${input.secretsDir}/berth_token_ci`, scopes: ['deploy'] },
        { name: 'ops', secret: `file:${input.secretsDir}/berth_token_ops`, scopes: ['deploy', 'approve', 'rollback', 'read'] },
      ],
    },
    proxy: { driver: 'caddy', adminUrl: `http://${testWorld.caddyAdminAddress}`, listen: testWorld.caddyListenAddress, tls: 'off', server: 'berth-test', upstreamDns: testWorld.upstreamDns },
    // One entry per host, each with its own task queue: another dockerd joins as another entry.
    hosts: {
      ...Object.fromEntries(
        hosts.map((host, i) => [host, { docker: `unix://${testWorld.dockerSocket}`, network: 'host', ports: `${low + i * span}-${low + (i + 1) * span - 1}`, ...input.hosts?.[host] }]),
      ),
      ...Object.fromEntries(Object.entries(input.hosts ?? {}).filter(([host]) => !hosts.includes(host))),
    },
    notify: [],
    projects: Object.fromEntries(
      Object.entries(input.projects).map(([name, project]) => [
        name,
        {
          image: `${testWorld.registryAddress}/fixture/web`,
          health: { path: '/health', interval: '200ms', timeout: '1s', retries: 15, monitor: '1s' },
          drain: '500ms',
          stopTimeout: '2s',
          ...project.settings,
          environments: Object.fromEntries(
            Object.entries(project.environments ?? { staging: {} }).map(([env, extra]) => [env, { host: project.host, hostname: input.hostname(name, env), ...extra }]),
          ),
        },
      ]),
    ),
  };
}

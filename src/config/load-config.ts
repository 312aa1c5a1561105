import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ZodError } from 'zod';
import { configSchema, type BerthConfig } from './schema';
import { replicaIssues } from './replica-proxy-check';
import { settleProjects } from './settle-projects';

/** A configuration problem, with one path-qualified line per issue. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly issues: string[],
  ) {
    super(`invalid configuration in ${source}:\n  ${issues.join('\n  ')}`);
  }
}

/** `projects/web/health/interval: "fast" is not a duration` */
export function formatIssues(error: ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('/');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

export function parseConfig(raw: unknown, source = 'configuration'): BerthConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(source, formatIssues(result.error));
  // Each level is valid as written; now merge them into each environment's effective settings.
  const rawProjects = (raw as { projects: Parameters<typeof settleProjects>[0] }).projects;
  const settled = settleProjects(rawProjects, result.data.hosts);
  if (settled.issues.length > 0) throw new ConfigError(source, settled.issues);
  // Environment-only fields that are no settings: taken as parsed (tags compiled, durations in ms).
  for (const [project, { environments }] of Object.entries(settled.projects)) {
    for (const [name, environment] of Object.entries(environments)) {
      const autoDeploy = result.data.projects[project].environments[name].autoDeploy;
      if (autoDeploy) environment.autoDeploy = autoDeploy;
      const previews = result.data.projects[project].environments[name].previews;
      if (previews) environment.previews = previews;
    }
  }
  // Names from requests and image references index these maps: without a prototype, "constructor" or "__proto__" names nothing.
  const projects = byName(Object.fromEntries(Object.entries(settled.projects).map(([name, project]) => [name, { ...project, environments: byName(project.environments) }])));
  const config = { ...result.data, projects, hosts: byName(result.data.hosts), registries: byName(result.data.registries) };
  const replicaProblems = replicaIssues(config);
  if (replicaProblems.length > 0) throw new ConfigError(source, replicaProblems);
  return config;
}

/** The same entries in an object without a prototype, so a lookup finds only what the configuration names. */
function byName<T>(entries: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, entries);
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.BERTH_CONFIG ?? 'berth.yaml');
}

/** Reads berth.yaml (or $BERTH_CONFIG) and validates it before anything starts. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): BerthConfig {
  const path = configPath(env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(path, [`cannot read ${path}; create it or set BERTH_CONFIG`]);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError(path, [`not valid YAML: ${(error as Error).message.split('\n')[0]}`]);
  }
  return parseConfig(raw ?? {}, path);
}

import { z } from 'zod';
import { environmentSchema } from './environment-schema';
import { duration, hostPort, name, portRange, secretRef } from './fields';
import { migrationsSchema } from './migrations-schema';
import { proxySchema } from './proxy-schema';
import { notifyEntrySchema } from './notify-schema';

export const scopeSchema = z.enum(['deploy', 'approve', 'rollback', 'read']);

const tokenSchema = z.strictObject({
  name: z.string().min(1),
  secret: secretRef,
  scopes: z.array(scopeSchema).min(1),
  /** Limits the token to these projects and/or environments; absent means all. */
  projects: z.array(name).min(1).optional(),
  environments: z.array(name).min(1).optional(),
});

/** Payload encryption: keys by id, each a secret reference; `current` seals, every listed key opens. */
const encryptionSchema = z
  .strictObject({
    keys: z.record(name, secretRef).refine((keys) => Object.keys(keys).length > 0, 'should name at least one key'),
    current: name,
  })
  .superRefine((encryption, ctx) => {
    if (!encryption.keys[encryption.current]) {
      ctx.addIssue({ code: 'custom', path: ['current'], message: `should name one of the keys: ${Object.keys(encryption.keys).join(', ')}` });
    }
  });

const healthSchema = z.strictObject({
  path: z.string().startsWith('/').default('/health'),
  interval: duration.default(1000),
  timeout: duration.default(2000),
  retries: z.number().int().min(1).max(1000).default(30),
  startPeriod: duration.default(0),
  /** Keep probing through the proxy this long after the switch; `0s` turns it off. */
  monitor: duration.default(10_000),
  monitorFailures: z.number().int().min(1).max(1000).default(3),
});

const projectSchema = z.strictObject({
  image: z.string().regex(/^[a-z0-9][\w.:/-]*$/, 'should be an image repository without a tag'),
  health: healthSchema.prefault({}),
  keep: z.number().int().min(1).max(50).default(3),
  drain: duration.default(2000),
  stopTimeout: duration.default(10_000),
  env: z.record(z.string(), z.string()).default({}),
  secrets: z.record(z.string(), secretRef).default({}),
  migrations: migrationsSchema.optional(),
  environments: z.record(name, environmentSchema).refine((envs) => Object.keys(envs).length > 0, 'should name at least one environment'),
});

const hostSchema = z.strictObject({
  docker: z.string().regex(/^(unix:\/\/\/.+|tcp:\/\/.+|http:\/\/.+)$/, 'should be unix:///path or tcp://host:port').default('unix:///var/run/docker.sock'),
  network: z.string().min(1).default('host'),
  ports: portRange.default({ from: 21000, to: 21999 }),
  /** This host's proxy, when it differs from the top-level one. */
  proxy: proxySchema.optional(),
});

export const configSchema = z
  .strictObject({
    temporal: z
      .strictObject({
        /** Absent: `npm start` runs the embedded dev server. */
        address: z.string().min(1).optional(),
        namespace: z.string().min(1).default('default'),
        taskQueue: z.string().min(1).default('berth'),
        encryption: encryptionSchema.optional(),
      })
      .optional(),
    api: z
      .strictObject({
        listen: hostPort.default({ host: '127.0.0.1', port: 8080 }),
        tokens: z.array(tokenSchema).min(1, 'should define at least one token'),
        /** The remote codec endpoint (`/codec/encode`, `/codec/decode`) answers these browser origins (the Web UI's). */
        codec: z.strictObject({ corsOrigins: z.array(z.url()).default([]) }).prefault({}),
      }),
    proxy: proxySchema.prefault({}),
    hosts: z.record(name, hostSchema).refine((hosts) => Object.keys(hosts).length > 0, 'should name at least one host'),
    registries: z.record(z.string(), z.strictObject({ username: z.string(), password: secretRef })).default({}),
    /** The per-environment owner workflow: continue-as-new after this many deploys; history kept. */
    owner: z
      .strictObject({
        continueAsNewAfter: z.number().int().min(1).max(1000).default(50),
        historySize: z.number().int().min(1).max(200).default(20),
      })
      .prefault({}),
    notify: z.array(notifyEntrySchema).default([]),
    projects: z.record(name, projectSchema),
  })
  .superRefine((config, ctx) => {
    for (const [projectName, project] of Object.entries(config.projects)) {
      for (const [envName, environment] of Object.entries(project.environments)) {
        if (environment.after !== undefined && (environment.after === envName || !project.environments[environment.after])) {
          ctx.addIssue({
            code: 'custom',
            path: ['projects', projectName, 'environments', envName, 'after'],
            message: `should name another environment of project "${projectName}"`,
          });
        }
        if (!config.hosts[environment.host]) {
          ctx.addIssue({
            code: 'custom',
            path: ['projects', projectName, 'environments', envName, 'host'],
            message: `unknown host "${environment.host}"; hosts are: ${Object.keys(config.hosts).join(', ')}`,
          });
        }
      }
    }
  });

/** The validated configuration, with durations in milliseconds. */
export type BerthConfig = z.output<typeof configSchema>;
export type ProjectConfig = BerthConfig['projects'][string];
export type HostConfig = BerthConfig['hosts'][string];
export type { ProxyConfig } from './proxy-schema';

/** The proxy in front of a host's environments: its own, or the top-level default. */
export function proxyFor(config: BerthConfig, host: string): BerthConfig['proxy'] {
  return config.hosts[host]?.proxy ?? config.proxy;
}
export type Scope = z.output<typeof scopeSchema>;

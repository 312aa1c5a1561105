import { z } from 'zod';
import type { AutoDeployConfig } from './auto-deploy';
import { projectSchema } from './environment-schema';
import { duration, hostPort, name, portRange, secretRef } from './fields';
import { proxySchema } from './proxy-schema';
import { notifyEntrySchema } from './notify-schema';
import type { PreviewsConfig } from './previews-schema';
import type { EnvironmentSettings } from './settings-schema';

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

const hostSchema = z.strictObject({
  docker: z.string().regex(/^(unix:\/\/\/.+|tcp:\/\/.+|http:\/\/.+)$/, 'should be unix:///path or tcp://host:port').default('unix:///var/run/docker.sock'),
  network: z.string().min(1).default('host'),
  ports: portRange.default({ from: 21000, to: 21999 }),
  /** Where this host's proxy and Berth's probes reach its containers (host networking). */
  address: z.string().regex(/^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\])$/, 'should be a host name or IP address, like 127.0.0.1 or 10.0.0.12').default('127.0.0.1'),
  /** How long a deploy waits for this host's worker to pick up a step before it fails. */
  hostTimeout: duration.default(600_000),
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
        /**
         * Workflows the workflow worker keeps in memory between tasks (Temporal's maxCachedWorkflows).
         * An idle owner wakes about once per reconcile interval, so with many environments it is evicted
         * between wakes whatever the cache; the cache pays off within a deploy's tasks.
         */
        maxCachedWorkflows: z.number().int().min(2).max(10_000).optional(),
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
    /** The per-environment owner workflow: continue-as-new after this many deploys, or this many reconcile passes; history kept. */
    owner: z
      .strictObject({
        continueAsNewAfter: z.number().int().min(1).max(1000).default(50),
        continueAsNewAfterPasses: z.number().int().min(1).max(1000).default(50),
        historySize: z.number().int().min(1).max(200).default(20),
      })
      .prefault({}),
    notify: z.array(notifyEntrySchema).default([]),
    /** Senders of registry webhooks (`POST /v1/hooks/registry/:name`), each with its own secret. */
    hooks: z
      .strictObject({
        registry: z
          .array(z.strictObject({ name, secret: secretRef }))
          .default([])
          .superRefine((hooks, ctx) => {
            hooks.forEach((hook, index) => {
              if (hooks.findIndex((other) => other.name === hook.name) < index) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `"${hook.name}" is named twice` });
            });
          }),
      })
      .prefault({}),
    projects: z.record(name, projectSchema),
  });

export type HostConfig = z.output<typeof configSchema>['hosts'][string];

/** One environment: what names it, and its effective settings (code defaults → project → environment). */
export type EnvironmentConfig = { hostname: string; after?: string; autoDeploy?: AutoDeployConfig; previews?: PreviewsConfig } & EnvironmentSettings;

/** A project: its image and its environments; project-level defaults are already merged into each. */
export interface ProjectConfig {
  image: string;
  environments: Record<string, EnvironmentConfig>;
}

/** The validated configuration, with durations in milliseconds. */
export type BerthConfig = Omit<z.output<typeof configSchema>, 'projects'> & { projects: Record<string, ProjectConfig> };
export type { ProxyConfig } from './proxy-schema';

/** The proxy in front of a host's environments: its own, or the top-level default. */
export function proxyFor(config: BerthConfig, host: string): BerthConfig['proxy'] {
  return config.hosts[host]?.proxy ?? config.proxy;
}
export type Scope = z.output<typeof scopeSchema>;

import { z } from 'zod';
import { projectSchema } from './environment-schema';
import { hostPort, name, portRange, secretRef } from './fields';
import { notifyEntrySchema } from './notify-schema';
import type { EnvironmentSettings } from './settings-schema';

export const scopeSchema = z.enum(['deploy', 'approve', 'rollback', 'read']);

const tokenSchema = z.strictObject({
  name: z.string().min(1),
  secret: secretRef,
  scopes: z.array(scopeSchema).min(1),
});

const hostSchema = z.strictObject({
  docker: z.string().regex(/^(unix:\/\/\/.+|tcp:\/\/.+|http:\/\/.+)$/, 'should be unix:///path or tcp://host:port').default('unix:///var/run/docker.sock'),
  network: z.string().min(1).default('host'),
  ports: portRange.default({ from: 21000, to: 21999 }),
});

export const configSchema = z
  .strictObject({
    temporal: z
      .strictObject({
        address: z.string().min(1),
        namespace: z.string().min(1).default('default'),
        taskQueue: z.string().min(1).default('berth'),
      })
      .optional(),
    api: z
      .strictObject({
        listen: hostPort.default({ host: '127.0.0.1', port: 8080 }),
        tokens: z.array(tokenSchema).min(1, 'should define at least one token'),
      }),
    proxy: z
      .strictObject({
        driver: z.literal('caddy').default('caddy'),
        adminUrl: z.url().default('http://127.0.0.1:2019'),
        listen: hostPort.default({ host: '127.0.0.1', port: 8088 }),
        tls: z.enum(['off', 'auto']).default('off'),
        server: name.default('berth'),
      })
      .prefault({}),
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
  });

export type HostConfig = z.output<typeof configSchema>['hosts'][string];

/** One environment: what names it, and its effective settings (code defaults → project → environment). */
export type EnvironmentConfig = { hostname: string; after?: string } & EnvironmentSettings;

/** A project: its image and its environments; project-level defaults are already merged into each. */
export interface ProjectConfig {
  image: string;
  environments: Record<string, EnvironmentConfig>;
}

/** The validated configuration, with durations in milliseconds. */
export type BerthConfig = Omit<z.output<typeof configSchema>, 'projects'> & { projects: Record<string, ProjectConfig> };
export type Scope = z.output<typeof scopeSchema>;

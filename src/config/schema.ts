import { z } from 'zod';
import { parseDeployWindow } from './deploy-window';
import { parseDurationMs } from './duration';
import { migrationsSchema } from './migrations-schema';
import { notifyEntrySchema } from './notify-schema';
import { secretRefPattern } from './secrets';

const duration = z.string().transform((text, ctx) => {
  const ms = parseDurationMs(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration like 200ms, 2s, 5m or 1h` });
    return z.NEVER;
  }
  return ms;
});

const secretRef = z
  .string()
  .regex(secretRefPattern, 'should be a secret reference: env:NAME or file:/path');

const hostPort = z.string().transform((text, ctx) => {
  const match = text.match(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65535) {
    ctx.addIssue({ code: 'custom', message: `"${text}" should be host:port` });
    return z.NEVER;
  }
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
});

const portRange = z.string().transform((text, ctx) => {
  const match = text.match(/^(\d{1,5})-(\d{1,5})$/);
  const from = match ? Number(match[1]) : NaN;
  const to = match ? Number(match[2]) : NaN;
  if (!match || from < 1024 || to > 65535 || from > to) {
    ctx.addIssue({ code: 'custom', message: `"${text}" should be a port range like 21000-21999 within 1024-65535` });
    return z.NEVER;
  }
  return { from, to };
});

const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'should be lowercase letters, digits and dashes');

export const scopeSchema = z.enum(['deploy', 'approve', 'rollback', 'read']);

const tokenSchema = z.strictObject({
  name: z.string().min(1),
  secret: secretRef,
  scopes: z.array(scopeSchema).min(1),
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

const deployWindow = z.string().transform((text, ctx) => {
  const parsed = parseDeployWindow(text);
  if (typeof parsed === 'string') {
    ctx.addIssue({ code: 'custom', message: parsed });
    return z.NEVER;
  }
  return { text, ...parsed };
});

const environmentSchema = z.strictObject({
  host: z.string(),
  hostname: z.string().regex(/^[A-Za-z0-9.-]+$/, 'should be a DNS name'),
  approval: z.enum(['required', 'none']).default('none'),
  approvalTimeout: duration.default(86_400_000),
  /** Repeat the waiting notification this often; absent: once. */
  approvalReminder: duration.optional(),
  /** Only digests that succeeded in this environment of the same project may deploy here. */
  after: name.optional(),
  window: deployWindow.optional(),
  /** Outside the window: wait for it to open, or refuse the request. */
  outsideWindow: z.enum(['wait', 'refuse']).default('wait'),
  /** Drift reconciliation between deploys: how often, and how many heals per window before it stops and alerts. */
  reconcile: z
    .strictObject({
      interval: duration.default(30_000),
      maxHeals: z.number().int().min(1).max(100).default(3),
      healWindow: duration.default(600_000),
    })
    .prefault({}),
  /** A retried request with the same idempotency key within this window gets the same deployment. */
  idempotencyWindow: duration.default(600_000),
  env: z.record(z.string(), z.string()).default({}),
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
export type EnvironmentConfig = ProjectConfig['environments'][string];
export type HostConfig = BerthConfig['hosts'][string];
export type Scope = z.output<typeof scopeSchema>;

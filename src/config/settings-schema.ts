import { z } from 'zod';
import { appSettingsShape } from './app-schema';
import { parseDeployWindow } from './deploy-window';
import { duration, secretRef } from './fields';
import { migrationsFields, migrationsSchema } from './migrations-schema';

const deployWindow = z.string().transform((text, ctx) => {
  const parsed = parseDeployWindow(text);
  if (typeof parsed === 'string') {
    ctx.addIssue({ code: 'custom', message: parsed });
    return z.NEVER;
  }
  return { text, ...parsed };
});

const healthSchema = z.strictObject({
  /** Liveness: probed by the monitor after the switch and by reconciliation. */
  path: z.string().startsWith('/').default('/health'),
  /** Readiness: gates the switch; absent, `path` does. */
  readyPath: z.string().startsWith('/').optional(),
  interval: duration.default(1000),
  timeout: duration.default(2000),
  retries: z.number().int().min(1).max(1000).default(30),
  startPeriod: duration.default(0),
  /** Keep probing through the proxy this long after the switch; `0s` turns it off. */
  monitor: duration.default(10_000),
  monitorFailures: z.number().int().min(1).max(1000).default(3),
});

const reconcileSchema = z.strictObject({
  // The owner's own full pass, a backstop only: Docker events heal at once, and each host's sweep
  // (src/worker/host-sweep.ts) checks every environment each minute and signals only drifted owners.
  interval: duration.default(3_600_000),
  // How often the sweep probes the served release's health path, spread over its minutes.
  probe: duration.default(600_000),
  maxHeals: z.number().int().min(1).max(100).default(3),
  healWindow: duration.default(600_000),
});

/**
 * Every setting a project gives its environments as a default and an
 * environment may override. Nested blocks merge field by field, `env` and
 * `secrets` key by key; the nearest level wins.
 */
const settingsShape = {
  /** Which Docker host runs the environment. */
  host: z.string(),
  health: healthSchema.prefault({}),
  keep: z.number().int().min(1).max(50).default(3),
  drain: duration.default(2000),
  stopTimeout: duration.default(10_000),
  env: z.record(z.string(), z.string()).default({}),
  secrets: z.record(z.string(), secretRef).default({}),
  migrations: migrationsSchema.optional(),
  approval: z.enum(['required', 'none']).default('none'),
  approvalTimeout: duration.default(86_400_000),
  /** Repeat the waiting notification this often; absent: once. */
  approvalReminder: duration.optional(),
  window: deployWindow.optional(),
  /** Outside the window: wait for it to open, or refuse the request. */
  outsideWindow: z.enum(['wait', 'refuse']).default('wait'),
  /** Drift reconciliation between deploys: how often, and how many heals per window before it stops and alerts. */
  reconcile: reconcileSchema.prefault({}),
  /** A retried request with the same idempotency key within this window gets the same deployment. */
  idempotencyWindow: duration.default(600_000),
  /** What a release runs: cmd, replicas, processes, volumes, resources, logging, user, labels (app-schema.ts). */
  ...appSettingsShape,
};

/** The effective settings of one environment, after merging, with code defaults filled in. */
export const settingsSchema = z.strictObject(settingsShape);

/**
 * One level's settings as written (project defaults, or an environment's
 * overrides): each field checked where it is written, nothing required, since
 * the other level may supply it.
 */
export const settingsOverrideShape = {
  ...settingsSchema.partial().shape,
  health: healthSchema.partial().optional(),
  reconcile: reconcileSchema.partial().optional(),
  migrations: migrationsFields.partial().optional(),
};

export const settingKeys = Object.keys(settingsShape) as Array<keyof typeof settingsShape>;

export type EnvironmentSettings = z.output<typeof settingsSchema>;

import { z } from 'zod';
import { duration, envName, name } from './fields';

/** Docker's units: b, k, m, g, each 1024 of the one before. */
const memoryUnits: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

export const memory = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const match = String(value).toLowerCase().match(/^(\d+(?:\.\d+)?)([bkmg]?)$/);
  const bytes = match ? Math.floor(Number(match[1]) * memoryUnits[match[2] || 'b']) : NaN;
  // Docker refuses a limit under 6 MiB; say so here rather than at the first deploy.
  if (!match || bytes < 6 * 1024 ** 2) {
    ctx.addIssue({ code: 'custom', message: `"${value}" should be a memory size of at least 6m, like 256m or 1g` });
    return z.NEVER;
  }
  return bytes;
});

const resourcesSchema = z.strictObject({
  memory: memory.optional(),
  cpus: z.number().gt(0, 'should be more than 0, like 0.5 or 2').max(256).optional(),
});

const program = z.array(z.string().min(1)).min(1, 'should name a program and its arguments, like ["node", "server.js"]');

const volumePattern = /^(\/[^:]*|[A-Za-z0-9][A-Za-z0-9_.-]*):(\/[^:]*)(:(ro|rw))?$/;
const volume = z.string().regex(volumePattern, 'should be source:target or source:target:ro, the source an absolute path or a volume name, the target an absolute path');

const sizedDrivers = ['json-file', 'local'];
const loggingSchema = z
  .strictObject({
    driver: z.enum(['json-file', 'local', 'journald', 'syslog', 'none']).default('json-file'),
    maxSize: z.string().regex(/^\d+[kmg]$/, 'should be a size like 10m').optional(),
    maxFiles: z.number().int().min(1).max(100).optional(),
  })
  .superRefine((logging, ctx) => {
    if (sizedDrivers.includes(logging.driver)) return;
    for (const key of ['maxSize', 'maxFiles'] as const) {
      if (logging[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `only json-file and local rotate; driver ${logging.driver} has no ${key}` });
    }
  });

/** A record whose keys are checked with a message of their own (zod's own says only "Invalid key in record"). */
function keyedBy<T extends z.ZodType>(values: T, problemOf: (key: string) => string | undefined) {
  return z.record(z.string(), values).superRefine(
    (record, ctx) => {
      for (const key of Object.keys(record)) {
        const problem = problemOf(key);
        if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
      }
    },
    // Keys are checked even when a value has problems, so every problem is reported at once.
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  );
}

function labelKeyProblem(key: string): string | undefined {
  if (key.startsWith('berth.')) return "berth.* labels are Berth's own";
  return /^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(key) ? undefined : 'should be a label key like team or com.example.team';
}

function processNameProblem(key: string): string | undefined {
  if (key === 'web') return 'web is the process behind the proxy; name background processes otherwise';
  return name.safeParse(key).success ? undefined : 'should be lowercase letters, digits and dashes';
}

const processSchema = z.strictObject({
  cmd: program.optional(),
  replicas: z.number().int().min(1).max(20).default(1),
  resources: resourcesSchema.optional(),
  env: z.record(envName, z.string()).default({}),
  /** Exiting or restarting within this fails the deploy. */
  // The health step's budget has 30 s beyond the web probes; a longer grace would outlast it.
  grace: duration.refine((ms) => ms <= 30_000, 'should be at most 30s').default(10_000),
  /** A command run in the container; exit 0 means healthy. */
  healthcheck: program.optional(),
});

/**
 * `projects.<name>` and environment fields for what a release runs: the
 * web command and replicas, background processes, volumes, limits, logs.
 * All optional, without defaults: a project that sets none deploys as before.
 */
export const appSettingsShape = {
  cmd: program.optional(),
  replicas: z.number().int().min(1).max(20).optional(),
  volumes: z.array(volume).optional(),
  resources: resourcesSchema.optional(),
  logging: loggingSchema.optional(),
  user: z.string().regex(/^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?$/, 'should be a user, uid or uid:gid, like 1000:1000').optional(),
  labels: keyedBy(z.string(), labelKeyProblem).optional(),
  processes: keyedBy(processSchema, processNameProblem).optional(),
};

export type AppSettings = { [K in keyof typeof appSettingsShape]?: z.output<(typeof appSettingsShape)[K]> };

import { z } from 'zod';
import { parseDeployWindow } from './deploy-window';
import { autoDeploySchema } from './auto-deploy';
import { duration, name } from './fields';

const deployWindow = z.string().transform((text, ctx) => {
  const parsed = parseDeployWindow(text);
  if (typeof parsed === 'string') {
    ctx.addIssue({ code: 'custom', message: parsed });
    return z.NEVER;
  }
  return { text, ...parsed };
});

/** One environment of a project: where it runs, who must approve, how its owner behaves. */
export const environmentSchema = z.strictObject({
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
  /** Deploy by itself when the registry has a new digest for one of these tags (webhook, and `poll` if set). */
  autoDeploy: autoDeploySchema.optional(),
});

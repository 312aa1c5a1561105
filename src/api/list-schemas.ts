import { z } from 'zod';
import type { DeployStatus } from '../model/types';

/** Every DeployStatus at run time; the type check below fails when one is added to the union but not here. */
export const deployStatuses = ['queued', 'running', 'awaiting_approval', 'succeeded', 'rolled_back', 'failed', 'rejected', 'expired', 'cancelled', 'superseded'] as const;
type Missing = Exclude<DeployStatus, (typeof deployStatuses)[number]>;
const everyStatusListed: Missing extends never ? true : Missing = true;
void everyStatusListed;


const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'should be lowercase letters, digits and dashes');

/** `GET /v1/deployments` query string. */
export const deploymentListQuerySchema = z.strictObject({
  project: name.optional(),
  environment: name.optional(),
  status: z.enum(deployStatuses).optional(),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  /** Temporal's nextPageToken, base64url as the previous page gave it. */
  pageToken: z
    .string()
    .max(4096)
    .regex(/^[A-Za-z0-9_-]+$/, 'should be the nextPageToken of an earlier page')
    .optional(),
});

export type DeploymentListQuery = z.output<typeof deploymentListQuerySchema>;

import { z } from 'zod';

/** `POST /v1/deployments`: exactly one of `tag` or `image`. */
export const deployRequestSchema = z
  .strictObject({
    project: z.string().min(1),
    environment: z.string().min(1).optional(),
    /** A pipeline: the same digest through these environments, in order. */
    environments: z.array(z.string().min(1)).min(2).max(10).optional(),
    tag: z
      .string()
      // A `/` only for an environment with previews (a branch name); see noBranchTag.
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_./-]{0,127}$/, 'should be a Docker tag (letters, digits, _ . -; at most 128), or a branch name for previews')
      .optional(),
    image: z.string().min(1).max(512).optional(),
    commit: z.string().regex(/^[0-9a-fA-F]{7,64}$/, 'should be a commit hash').optional(),
    /** When the commit was made, for the lead-time metric. */
    commitTime: z.iso.datetime({ offset: true }).optional(),
    /** A retried call with the same key gets the same deployment; defaults to project/environment/image/commit. */
    idempotencyKey: z.string().min(1).max(200).optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.environment === undefined) === (body.environments === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['environment'], message: 'give exactly one of "environment" or "environments"' });
    }
    if ((body.tag === undefined) === (body.image === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['tag'], message: 'give exactly one of "tag" or "image"' });
    }
  });

export type DeployRequest = z.output<typeof deployRequestSchema>;

export const deploymentIdPattern = /^[a-z0-9][a-z0-9-]{2,100}$/;

/** `POST /v1/deployments/:id/approve` and `/reject`; the approver is the token's name. */
export const decisionRequestSchema = z.strictObject({ comment: z.string().max(1000).optional() });

import { z } from 'zod';
import { autoDeploySchema } from './auto-deploy';
import { name } from './fields';
import { previewsSchema } from './previews-schema';
import { settingsOverrideShape } from './settings-schema';

/**
 * One environment of a project as written: what names it, and any setting
 * that overrides the project's default for it (see settings-schema.ts).
 */
export const environmentSchema = z.strictObject({
  /** Optional only with `previews`, whose default name is the environment's hostname. */
  hostname: z.string().regex(/^[A-Za-z0-9.-]+$/, 'should be a DNS name').optional(),
  /** Each deployed tag becomes its own instance at its own hostname. */
  previews: previewsSchema.optional(),
  /** Only digests that succeeded in this environment of the same project may deploy here. */
  after: name.optional(),
  /** Deploy by itself when the registry has a new digest for one of these tags (webhook, and `poll` if set). */
  autoDeploy: autoDeploySchema.optional(),
  ...settingsOverrideShape,
}).superRefine((environment, ctx) => {
  // Worded as zod words a missing field, as it was before hostname became optional.
  if (environment.hostname === undefined && environment.previews === undefined) ctx.addIssue({ code: 'custom', path: ['hostname'], message: 'Invalid input: expected string, received undefined' });
});

/** A project as written: its image, its environments, and defaults for every environment setting. */
export const projectSchema = z.strictObject({
  image: z.string().regex(/^[a-z0-9][\w.:/-]*$/, 'should be an image repository without a tag'),
  ...settingsOverrideShape,
  environments: z.record(name, environmentSchema).refine((envs) => Object.keys(envs).length > 0, 'should name at least one environment'),
});

import { z } from 'zod';
import { duration } from './fields';

/**
 * `previews` on an environment: each deployed tag runs as its own instance at
 * `<name>.<domain>`; the default name follows the most recently deployed tag.
 */
/** The default instance's name: always the most recently deployed tag. */
export const defaultPreviewName = 'stage-{stage}-{project}';

export const previewsSchema = z.strictObject({
  domain: z.string().regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, 'should be a lowercase DNS name like preview.localhost'),
  name: z.string().min(1).default('stage-{stage}-{project}-{tag}'),
  defaultName: z.string().min(1).default(defaultPreviewName),
  maxInstances: z.number().int().min(1).max(1000).optional(),
  /** An instance not deployed again for this long is removed. */
  ttl: duration.optional(),
});

export type PreviewsConfig = z.output<typeof previewsSchema>;

import { z } from 'zod';
import { secretRefPattern } from './secrets';

const secretRef = z.string().regex(secretRefPattern, 'should be a secret reference: env:NAME or file:/path');

/**
 * One notification receiver. A Slack incoming-webhook URL is itself a
 * credential (anyone holding it can post), so it may be given as a secret
 * reference instead of inline.
 */
export const notifyEntrySchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('webhook'), url: z.url(), secret: secretRef.optional() }),
  z.strictObject({ type: z.literal('slack'), url: z.union([z.url({ protocol: /^https?$/ }), secretRef], 'should be an https:// URL or a secret reference (env:NAME, file:/path)') }),
]);

export type NotifyEntry = z.output<typeof notifyEntrySchema>;

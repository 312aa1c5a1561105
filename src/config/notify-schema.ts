import { z } from 'zod';
import { duration } from './fields';
import { secretRefPattern } from './secrets';

const secretRef = z.string().regex(secretRefPattern, 'should be a secret reference: env:NAME or file:/path');

/**
 * One notification receiver. A Slack incoming-webhook URL is itself a
 * credential (anyone holding it can post), so it may be given as a secret
 * reference instead of inline.
 */
/** How long one delivery attempt waits for an answer; the activity around it allows 10 s. */
const timeout = duration.refine((ms) => ms > 0 && ms <= 8000, 'should be more than 0 and at most 8s').default(5000);

export const notifyEntrySchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('webhook'), url: z.url(), secret: secretRef.optional(), timeout }),
  z.strictObject({ type: z.literal('slack'), timeout, url: z.union([z.url({ protocol: /^https?$/ }), secretRef], 'should be an https:// URL or a secret reference (env:NAME, file:/path)') }),
]);

export type NotifyEntry = z.output<typeof notifyEntrySchema>;

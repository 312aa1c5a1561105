import { resolveSecret } from '../config/secrets';
import type { DeployEvent } from '../model/event-types';
import { slackMessage } from './slack';
import { postWebhook } from './webhook';

/** A configured receiver, with its secrets still references. */
export interface NotifyReceiver {
  /** Absent means `webhook`, as configurations written before Slack support say. */
  type?: 'webhook' | 'slack';
  /** A URL, or for Slack also a secret reference to one. */
  url: string;
  /** Webhooks only: signs the body (HMAC-SHA256 in `x-berth-signature`). */
  secret?: string;
  /** Milliseconds one attempt waits for an answer; default 5000. */
  timeout?: number;
}

const secretRef = /^(env|file):/;

/** Posts one event to one receiver in its format; secrets are resolved here, inside the activity. */
export async function deliver(receiver: NotifyReceiver, event: DeployEvent, env: NodeJS.ProcessEnv): Promise<void> {
  if (receiver.type === 'slack') {
    const url = secretRef.test(receiver.url) ? resolveSecret(receiver.url, env) : receiver.url;
    await postWebhook({ url }, slackMessage(event), receiver.timeout);
    return;
  }
  const secret = receiver.secret ? resolveSecret(receiver.secret, env) : undefined;
  await postWebhook({ url: receiver.url, secret }, event, receiver.timeout);
}

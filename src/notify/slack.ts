import type { DeployEvent } from '../model/event-types';

/** What Slack's incoming webhooks accept: `text` is the notification and fallback, `blocks` the message. */
export interface SlackMessage {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

const headline: Record<DeployEvent['event'], { emoji: string; verb: string }> = {
  started: { emoji: ':rocket:', verb: 'started' },
  awaiting_approval: { emoji: ':raised_hand:', verb: 'waits for approval' },
  approval_reminder: { emoji: ':alarm_clock:', verb: 'still waits for approval' },
  succeeded: { emoji: ':white_check_mark:', verb: 'succeeded' },
  failed: { emoji: ':x:', verb: 'failed' },
  rolled_back: { emoji: ':leftwards_arrow_with_hook:', verb: 'was rolled back' },
  cancelled: { emoji: ':no_entry_sign:', verb: 'was cancelled' },
  rejected: { emoji: ':no_entry:', verb: 'was rejected' },
  expired: { emoji: ':hourglass:', verb: 'expired unapproved' },
  compensation_failed: { emoji: ':rotating_light:', verb: 'could not undo its changes; a person is needed' },
  drift_healed: { emoji: ':adhesive_bandage:', verb: 'drifted and was put back' },
  drift_alert: { emoji: ':rotating_light:', verb: 'keeps drifting; healing stopped, a person is needed' },
  instance_removed: { emoji: ':wastebasket:', verb: 'preview instance was removed' },
};

/** Slack treats these three as markup; everything else in mrkdwn is literal text. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Section text is limited to 3000 characters; keep the end of a log, where the error is. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `…${text.slice(text.length - max + 1)}`;
}

/** `v2` for a tag, `sha256:0123456789ab` for a digest. */
function version(image: string): string {
  const at = image.indexOf('@');
  return at >= 0 ? image.slice(at + 1, at + 20) : image.split(':').slice(-1)[0];
}

/** The Slack message for one deploy event: a headline, the facts, and what to do next. */
export function slackMessage(event: DeployEvent): SlackMessage {
  const { emoji, verb } = headline[event.event];
  const what = event.kind === 'rollback' ? 'Rollback of' : 'Deploy of';
  const title = `${what} ${event.project}:${version(event.image)} to ${event.environment} ${verb}`;
  const facts = [
    `*Deployment:* \`${escapeSlack(event.deploymentId)}\``,
    `*Image:* \`${escapeSlack(event.image)}\``,
    ...(event.commit ? [`*Commit:* \`${escapeSlack(event.commit)}\``] : []),
    ...(event.failedStep ? [`*Failed step:* ${event.failedStep}`] : []),
  ];
  const blocks: Array<Record<string, unknown>> = [
    { type: 'section', text: { type: 'mrkdwn', text: `${emoji} *${escapeSlack(title)}*` } },
    { type: 'section', fields: facts.map((text) => ({ type: 'mrkdwn', text })) },
  ];
  const reason = event.reason?.split('\n--- container log')[0];
  if (reason) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Reason:* ${escapeSlack(clip(reason, 2900))}` } });
  if (event.logTail) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${escapeSlack(clip(event.logTail, 2800))}\`\`\`` } });
  if (event.leftToFix?.length) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Left to fix:*\n${escapeSlack(clip(event.leftToFix.map((item) => `• ${item}`).join('\n'), 2800))}` } });
  }
  if (event.current) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Serving now:* \`${escapeSlack(event.current.image)}\` (release \`${escapeSlack(event.current.release)}\`)` } });
  }
  if (event.howToApprove) {
    // `api` is a ready curl command; the CLI line is shorter to type.
    const commands = [`berth approve ${event.deploymentId}`, event.howToApprove.api].join('\n');
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*To approve:*\n\`\`\`${escapeSlack(commands)}\`\`\`` } });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Berth · ${escapeSlack(event.at)}` }] });
  return { text: `${emoji} ${escapeSlack(title)}`, blocks };
}

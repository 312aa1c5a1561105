import { escapeSlack, slackMessage } from '../../src/notify/slack';
import type { DeployEvent } from '../../src/model/event-types';

const base: DeployEvent = {
  event: 'failed',
  kind: 'deploy',
  deploymentId: 'web-staging-abc123',
  project: 'web',
  environment: 'staging',
  image: '127.0.0.1:5000/fixture/web:unhealthy',
  status: 'failed',
  at: '2025-01-02T03:04:05.000Z',
};

describe('slackMessage', () => {
  it('builds text and blocks for a failure, with the reason and the log tail', () => {
    const message = slackMessage({
      ...base,
      failedStep: 'health',
      commit: 'abc1234',
      reason: 'health: /health answered 500 <3 times>\n--- container log (tail) ---\nboom',
      logTail: 'boom & bust',
    });
    expect(message).toEqual({
      text: ':x: Deploy of web:unhealthy to staging failed',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: ':x: *Deploy of web:unhealthy to staging failed*' } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Deployment:* `web-staging-abc123`' },
            { type: 'mrkdwn', text: '*Image:* `127.0.0.1:5000/fixture/web:unhealthy`' },
            { type: 'mrkdwn', text: '*Commit:* `abc1234`' },
            { type: 'mrkdwn', text: '*Failed step:* health' },
          ],
        },
        { type: 'section', text: { type: 'mrkdwn', text: '*Reason:* health: /health answered 500 &lt;3 times&gt;' } },
        { type: 'section', text: { type: 'mrkdwn', text: '```boom &amp; bust```' } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Berth · 2025-01-02T03:04:05.000Z' }] },
      ],
    });
  });

  it('tells the approver what serves now and how to approve', () => {
    const message = slackMessage({
      ...base,
      event: 'awaiting_approval',
      environment: 'production',
      image: '127.0.0.1:5000/fixture/web@sha256:0123456789abcdef0123',
      status: 'awaiting_approval',
      current: { release: 'web-production-old', image: '127.0.0.1:5000/fixture/web:v1', digest: 'sha256:aa' },
      howToApprove: { api: `curl -X POST http://berth:8080/v1/deployments/web-staging-abc123/approve -H "Authorization: Bearer $BERTH_TOKEN"`, temporal: 'temporal workflow signal ...' },
    });
    expect(message.text).toBe(':raised_hand: Deploy of web:sha256:0123456789ab to production waits for approval');
    expect(message.blocks.slice(2, 4)).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '*Serving now:* `127.0.0.1:5000/fixture/web:v1` (release `web-production-old`)' } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: '*To approve:*\n```berth approve web-staging-abc123\ncurl -X POST http://berth:8080/v1/deployments/web-staging-abc123/approve -H "Authorization: Bearer $BERTH_TOKEN"```',
        },
      },
    ]);
  });

  it('keeps every section within Slack\'s 3000 characters', () => {
    const message = slackMessage({ ...base, reason: 'x'.repeat(10_000), logTail: 'y'.repeat(10_000) });
    for (const block of message.blocks) expect(JSON.stringify(block).length).toBeLessThan(3100);
  });

  it('escapes only what Slack treats as markup', () => {
    expect(escapeSlack('a < b && c > d *bold*')).toBe('a &lt; b &amp;&amp; c &gt; d *bold*');
  });
});

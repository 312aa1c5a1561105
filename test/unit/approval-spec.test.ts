import { buildDeploySpec } from '../../src/config/deploy-spec';
import { parseConfig } from '../../src/config/load-config';

/**
 * How long a deploy waits for a person, how often it reminds, and the window it
 * waits for reach the workflow as plain numbers and text; the waiting itself is
 * proven in test/workflows/approval-window.test.ts, with the test server's clock.
 */
const config = parseConfig({
  api: { tokens: [{ name: 'ci', secret: 'env:T', scopes: ['deploy'] }] },
  hosts: { local: { ports: '21000-21099' } },
  projects: {
    web: {
      image: '127.0.0.1:5000/fixture/web',
      health: { path: '/health' },
      environments: {
        hotfix: { host: 'local', hostname: 'web.hotfix.localhost', approval: 'required', approvalTimeout: '2s', approvalReminder: '700ms' },
        office: { host: 'local', hostname: 'web.office.localhost', window: 'Mon-Fri 09:00-17:00 UTC' },
      },
    },
  },
});

const meta = { deploymentId: 'web-d1', requestedBy: 'ci' };

test('an approval timeout and reminder become milliseconds in the deploy', () => {
  expect(buildDeploySpec(config, { project: 'web', environment: 'hotfix', tag: 'v1' }, meta)).toMatchObject({ approval: 'required', approvalTimeoutMs: 2000, approvalReminderMs: 700 });
});

test('a deploy window travels as its text, and without one there is none', () => {
  expect(buildDeploySpec(config, { project: 'web', environment: 'office', tag: 'v1' }, meta).window).toBe('Mon-Fri 09:00-17:00 UTC');
  expect(buildDeploySpec(config, { project: 'web', environment: 'hotfix', tag: 'v1' }, meta)).not.toHaveProperty('window');
  expect(buildDeploySpec(config, { project: 'web', environment: 'office', tag: 'v1' }, meta)).not.toHaveProperty('approvalReminderMs');
});

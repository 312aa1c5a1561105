import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { DeployRecord } from '../../src/model/types';
import { Harness } from '../support/berth-harness';

/** Where a person finds what the browser saw; `test-results/` is git-ignored. */
const screenshotDir = path.resolve(__dirname, '..', '..', 'test-results', 'screenshots');
const uiWaitMs = 20_000;
const viewport = { width: 1440, height: 900 };
const maxScreenshotHeightPx = 8000;

/**
 * The UI scrolls inside `#content-wrapper`, so a full-page screenshot would
 * stop at the viewport; grow the viewport to the content first.
 */
async function screenshotWhole(page: Page, name: string): Promise<void> {
  let height = viewport.height;
  for (let round = 0; round < 4; round++) {
    const wanted = Math.min(await page.locator('#content-wrapper').evaluate((el) => el.scrollHeight), maxScreenshotHeightPx);
    if (wanted <= height) break;
    height = wanted;
    await page.setViewportSize({ width: viewport.width, height });
  }
  await page.screenshot({ path: path.join(screenshotDir, name), fullPage: true });
  await page.setViewportSize(viewport);
}

describe('the Temporal Web UI, in Chromium, shows deploys by project and status and tells their story', () => {
  const berth = new Harness({ name: 'webui' });
  let browser: Browser | undefined;
  let page: Page;
  let succeeded: DeployRecord;
  let failed: DeployRecord;

  async function openWorkflow(id: string, tab: 'history' | 'user-metadata'): Promise<void> {
    const { runId } = await berth.client.workflow.getHandle(id).describe();
    await page.goto(`${berth.world.temporalUiUrl}/namespaces/default/workflows/${id}/${runId}/${tab}`);
  }

  beforeAll(async () => {
    await berth.start();
    succeeded = await berth.deployAndWait('v1');
    failed = await berth.deployAndWait('unhealthy');
    if (succeeded.status !== 'succeeded' || failed.status !== 'failed') {
      throw new Error(`the deploys to look at ended ${succeeded.status} and ${failed.status}, not succeeded and failed`);
    }
    fs.mkdirSync(screenshotDir, { recursive: true });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      timeout: 30_000,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport });
    page.setDefaultTimeout(uiWaitMs);
    page.setDefaultNavigationTimeout(uiWaitMs);
    // The UI is served from loopback; anything else it asks for stays unanswered.
    await page.route((url) => !url.href.startsWith(`${berth.world.temporalUiUrl}/`), (route) => route.abort());
  });
  afterAll(async () => {
    await browser?.close();
    await berth.stop();
  });

  it('lists the failed deploy, and not the succeeded one, for BerthProject and BerthStatus', async () => {
    const query = `BerthProject="${berth.project}" AND BerthStatus="failed"`;
    await page.goto(`${berth.world.temporalUiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
    const row = page.locator('tr', { has: page.getByRole('link', { name: failed.id, exact: true }) });
    await row.waitFor();
    await screenshotWhole(page, 'workflow-list.png');

    expect(await row.innerText()).toMatch(/Failed[\s\S]*deployWorkflow/);
    expect(await page.getByText(succeeded.id).count()).toBe(0);
  });

  it("names every activity by its summary in the deploy's event history", async () => {
    await openWorkflow(succeeded.id, 'history');
    await page.getByTestId('compact').click();
    const events = page.getByTestId('event-summary-table');
    await events.getByText(`switch ${berth.hostname('staging')} → ${succeeded.upstream}`, { exact: true }).waitFor();
    await screenshotWhole(page, 'deploy-history.png');

    const text = await events.innerText();
    for (const summary of [
      `pull ${berth.image('v1')}`,
      `read the route of ${berth.hostname('staging')}`,
      `wait until berth-${succeeded.id} answers /health`,
      `verify ${berth.hostname('staging')}/health through the proxy for 1000 ms`,
      'stop the previous release, prune beyond keep',
    ]) {
      expect(text).toContain(summary);
    }
  });

  it('shows the static summary and the final current details under User Metadata', async () => {
    await openWorkflow(succeeded.id, 'user-metadata');
    // The UI renders summary and details as markdown, each in its own iframe.
    const rendered = page.locator('iframe[title="output"]');
    await rendered.first().contentFrame().getByText(`deploy ${berth.project}:v1 → staging`, { exact: true }).waitFor();
    await rendered.last().contentFrame().getByText('Finished: succeeded').waitFor();
    await page.getByText(`switch ${berth.hostname('staging')} → ${succeeded.upstream}`, { exact: true }).waitFor();
    await screenshotWhole(page, 'deploy-metadata.png');
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { berthSearchAttributes } from '../../src/embedded/start-embedded';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/embedded/temporal-dev-server';
import type { DeployRecord } from '../../src/model/types';
import { Harness, tokens } from '../support/berth-harness';
import { ensureLeakyImage, leakyTag } from '../support/fixture-leaky';
import { freeLoopbackPort } from '../support/free-port';
import { readWorld } from '../support/world';

const screenshotDir = path.resolve(__dirname, '..', '..', 'test-results', 'screenshots');
const setting = 'decoded-in-the-browser-41f0';

describe('the Temporal Web UI, with Berth as its codec endpoint, shows decrypted payloads', () => {
  const world = readWorld();
  let temporal: TemporalDevServer;
  let berth: Harness;
  let browser: Browser | undefined;
  let record: DeployRecord;
  const codecCalls: Array<{ origin?: string; status: number }> = [];

  beforeAll(async () => {
    process.env.UI_KEY_K1 = 'a'.repeat(64);
    const apiPort = await freeLoopbackPort();
    const uiPort = await freeLoopbackPort();
    // The shared world's dev server has no codec endpoint configured; this one points its UI at this test's API.
    temporal = await startTemporalDevServer({
      ip: '127.0.0.1',
      port: await freeLoopbackPort(),
      uiPort,
      namespace: 'default',
      searchAttributes: berthSearchAttributes,
      uiCodecEndpoint: `http://127.0.0.1:${apiPort}/codec`,
      logFile: path.resolve(__dirname, '..', '..', '.berth', 'logs', 'temporal-ui-codec.log'),
    });
    berth = new Harness({
      name: 'uicodec',
      temporalAddress: temporal.address,
      apiPort,
      project: { image: `${world.registryAddress}/fixture/leaky`, env: { PLAIN_SETTING: setting }, health: { path: '/health', interval: '200ms', timeout: '1s', retries: 5, monitor: '0s' } },
      temporal: { encryption: { keys: { k1: 'env:UI_KEY_K1' }, current: 'k1' } },
      api: { codec: { corsOrigins: [temporal.uiUrl] } },
    });
    await ensureLeakyImage({ registry: world.registryAddress, docker: berth.docker });
    await berth.start();
    record = await berth.waitForEnd(await berth.deploy(leakyTag));
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      timeout: 30_000,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await berth?.stop();
    await temporal?.stop();
  });

  it("decodes the deploy's input through /codec/decode", async () => {
    const page = await browser!.newPage({ viewport: { width: 1440, height: 1200 } });
    page.setDefaultTimeout(20_000);
    await page.route(
      (url) => !url.href.startsWith(`${temporal.uiUrl}/`) && !url.href.startsWith(`${berth.apiUrl}/`),
      (route) => route.abort(),
    );
    // The UI sends no Berth token by itself; here the browser's network layer adds it, as a proxy in front of the codec would.
    await page.route(`${berth.apiUrl}/codec/**`, async (route) => {
      const request = route.request();
      const headers = request.method() === 'POST' ? { ...request.headers(), authorization: `Bearer ${tokens.reader}` } : request.headers();
      const response = await route.fetch({ headers });
      codecCalls.push({ origin: request.headers().origin, status: response.status() });
      await route.fulfill({ response });
    });
    const { runId } = await berth.client.workflow.getHandle(record.id).describe();
    await page.goto(`${temporal.uiUrl}/namespaces/default/workflows/${record.id}/${runId}/history`);
    await page.getByText(setting).first().waitFor();
    fs.mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: path.join(screenshotDir, 'decoded-input.png'), fullPage: true });
    expect(codecCalls.filter((call) => call.status === 200).length).toBeGreaterThan(0);
    expect(codecCalls.every((call) => call.origin === temporal.uiUrl)).toBe(true);
  });
});

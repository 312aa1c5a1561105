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

  it("decodes the deploy's input through /codec/decode, signed in with a read token", async () => {
    const page = await browser!.newPage({ viewport: { width: 1440, height: 1200 } });
    page.setDefaultTimeout(20_000);
    await page.route(
      (url) => !url.href.startsWith(`${temporal.uiUrl}/`) && !url.href.startsWith(`${berth.apiUrl}/`),
      (route) => route.abort(),
    );
    page.on('response', (response) => {
      if (response.url().startsWith(`${berth.apiUrl}/codec/decode`)) codecCalls.push({ origin: response.request().headers().origin, status: response.status() });
    });
    // A person signs this browser in to the codec endpoint with a read token: an HttpOnly cookie for /codec.
    await page.goto(`${berth.apiUrl}/codec/login`);
    await page.locator('#token').fill(tokens.reader);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in: the Web UI can decode payloads now.').waitFor();
    // ...and ticks "Include cross-origin credentials" in the UI's Codec Server settings, which the UI keeps in localStorage.
    const endpoint = `${berth.apiUrl}/codec`;
    await page.addInitScript({
      content: `if (location.origin === ${JSON.stringify(temporal.uiUrl)}) {
        localStorage.setItem('overrideRemoteCodecConfiguration', 'true');
        localStorage.setItem('endpoint', ${JSON.stringify(JSON.stringify(endpoint))});
        localStorage.setItem('includeCredentials', 'true');
      }`,
    });
    const { runId } = await berth.client.workflow.getHandle(record.id).describe();
    await page.goto(`${temporal.uiUrl}/namespaces/default/workflows/${record.id}/${runId}/history`);
    await page.getByText(setting).first().waitFor();
    fs.mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: path.join(screenshotDir, 'decoded-input.png'), fullPage: true });
    expect(codecCalls.filter((call) => call.status === 200).length).toBeGreaterThan(0);
    expect(codecCalls.every((call) => call.origin === temporal.uiUrl)).toBe(true);
    // Without the cookie the endpoint refuses: the token, not the origin, lets the UI decode.
    const refused = await page.evaluate(async (url) => (await fetch(url, { method: 'POST', credentials: 'omit', headers: { 'content-type': 'application/json' }, body: '{"payloads":[]}' })).status, `${berth.apiUrl}/codec/decode`);
    expect(refused).toBe(401);
  });
});

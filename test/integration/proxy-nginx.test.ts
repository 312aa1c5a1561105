import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { parseConfig } from '../../src/config/load-config';
import { proxyFor } from '../../src/config/schema';
import { NginxDriver, type NginxDriverConfig } from '../../src/proxy/nginx/nginx-driver';

import type { Harness } from '../support/berth-harness';
import { freeLoopbackPort } from '../support/free-port';
import { NginxInstance } from '../support/nginx-instance';
import { getThroughProxy } from '../support/proxy-client';
import { proxyScenarios, type ProxyWorld } from '../support/proxy-scenarios';

let nginx: NginxInstance;
let confDir: string;
let listen: string;
const foreignHost = 'shop.px-nginx.test.localhost';

async function startNginx(): Promise<ProxyWorld> {
  const port = await freeLoopbackPort();
  listen = `127.0.0.1:${port}`;
  confDir = fs.mkdtempSync('/tmp/berth-nginx-confdir-');
  // The user's own server, in the same include as Berth's files.
  fs.writeFileSync(path.join(confDir, 'shop.conf'), `server {\n    listen ${listen};\n    server_name ${foreignHost};\n    location / { return 200 "the user's shop\\n"; }\n}\n`);
  nginx = await NginxInstance.start({ name: 'driver', port, http: [`include ${confDir}/*.conf;`] });
  return {
    proxyConfig: () => ({ driver: 'nginx', listen, confDir, test: nginx.testCommand, reload: nginx.reloadCommand }),
    async foreignSnapshot() {
      const answer = await getThroughProxy(listen, foreignHost, '/');
      return `${fs.readFileSync(path.join(confDir, 'shop.conf'), 'utf8')}\n--- answer ---\n${answer.status} ${answer.body}`;
    },
    async stop() {
      await nginx.stop();
      fs.rmSync(confDir, { recursive: true, force: true });
    },
  };
}

function nginxOnly({ berth }: { berth: Harness }): void {
  it('keeps the previous config serving and fails the deploy with nginx\'s own message when `test` refuses', async () => {
    const berthFile = path.join(confDir, `berth-${berth.project}-staging.conf`);
    const fileBefore = fs.readFileSync(berthFile, 'utf8');
    const serving = (await berth.proxyGet('staging')).body;
    fs.writeFileSync(path.join(confDir, 'zz-broken.conf'), 'server {\n    listen 127.0.0.1:1;\n    bogus_directive on;\n}\n');
    const workersBefore = nginx.workers();
    try {
      const record = await berth.deployAndWait('v2');

      expect(record).toMatchObject({ status: 'failed', failedStep: 'switch' });
      expect(record.reason).toContain('nginx -t refused');
      expect(record.reason).toMatch(/unknown directive "bogus_directive" in .*zz-broken\.conf:3/);
      expect(fs.readFileSync(berthFile, 'utf8')).toBe(fileBefore);
      // No reload ran: the same workers serve, with the previous config.
      expect(nginx.workers()).toEqual(workersBefore);
      expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: serving });
    } finally {
      fs.rmSync(path.join(confDir, 'zz-broken.conf'));
    }
  });

  it('stops at start with a clear message when confDir is missing', async () => {
    const config = parseConfig({ ...berth.rawConfig, hosts: { x: { proxy: { driver: 'nginx', confDir: '/nonexistent/berth.d' } } }, projects: {} });
    const driver = new NginxDriver(proxyFor(config, 'x') as NginxDriverConfig, pino({ level: 'silent' }), 'hosts/x/proxy');

    await expect(driver.check()).rejects.toThrow(
      'hosts/x/proxy/confDir: /nonexistent/berth.d is not a directory; create it and add "include /nonexistent/berth.d/*.conf;" to the http block of nginx.conf',
    );
  });
}

proxyScenarios('nginx', startNginx, { more: nginxOnly });

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import { buildOpenApi, packageVersion } from '../../src/api/openapi';
import { routes } from '../../src/api/route-registry';
import { parseConfig } from '../../src/config/load-config';

const config = parseConfig({
  api: { tokens: [{ name: 'ci', secret: 'env:BERTH_TOKEN_CI', scopes: ['deploy'] }] },
  hosts: { local: {} },
  projects: { web: { image: '127.0.0.1:5000/fixture/web', environments: { staging: { host: 'local', hostname: 'web.staging.localhost' } } } },
});

/** The app with a client that is never called: these tests only look at routes. */
const app = createApp({ config, client: {} as Client, taskQueue: 'berth', tokens: [{ name: 'ci', value: 'ci-token', scopes: ['deploy'] }], log: pino({ level: 'silent' }) });

interface ExpressRoute {
  method: string;
  path: string;
  scopes: string[];
  public: boolean;
}

/** Every route Express would answer, with the scopes its middleware asks for and whether it comes before authentication. */
function expressRoutes(): ExpressRoute[] {
  const found: ExpressRoute[] = [];
  let authenticated = false;
  const visit = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const scopes = layer.route.stack.map((l: any) => l.handle.scope).filter(Boolean);
        for (const method of Object.keys(layer.route.methods)) found.push({ method, path: layer.route.path, scopes, public: !authenticated });
      } else if (layer.handle?.stack) visit(layer.handle.stack);
      else if (layer.handle?.authenticates) authenticated = true;
    }
  };
  visit((app as any).router.stack);
  return found;
}

describe('the route registry', () => {
  it('documents every route Express answers, and only those', () => {
    const inApp = expressRoutes().map((r) => `${r.method} ${r.path}`).sort();
    const documented = routes.map((r) => `${r.method} ${r.path}`).sort();
    expect(inApp).toEqual(documented);
  });

  it('states the scope each route asks for', () => {
    for (const route of expressRoutes()) {
      const spec = routes.find((r) => r.method === route.method && r.path === route.path)!;
      const expected = spec.scope === 'any' || spec.scope === 'none' ? [] : [spec.scope];
      expect({ route: `${route.method} ${route.path}`, scopes: route.scopes }).toEqual({ route: `${route.method} ${route.path}`, scopes: expected });
    }
  });
});

describe('GET /openapi.json', () => {
  const document = buildOpenApi(routes, packageVersion()) as any;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is served without a token, while every documented non-public route needs one', async () => {
    const response = await fetch(`${base}/openapi.json`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(document)));
    for (const route of routes.filter((r) => r.scope !== 'none')) {
      const path = route.path.replace(/:(\w+)/g, 'x-y-z');
      expect({ path, status: (await fetch(`${base}${path}`, { method: route.method.toUpperCase() })).status }).toEqual({ path, status: 401 });
    }
  });

  it('is OpenAPI 3.1.0 with every route, and request bodies refer to schemas generated from zod', () => {
    expect(document.openapi).toBe('3.1.0');
    for (const route of routes) {
      const operation = document.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method];
      expect(operation).toBeDefined();
      if (route.body) {
        const ref = operation.requestBody.content['application/json'].schema.$ref;
        expect(ref).toBe(`#/components/schemas/${route.body.name}`);
        expect(document.components.schemas[route.body.name]).toMatchObject({ type: 'object', additionalProperties: false });
      }
      if (route.scope === 'none') expect(operation.security).toEqual([]);
    }
    expect(document.components.schemas.DeployRequest.properties.tag.pattern).toBe('^[A-Za-z0-9_][A-Za-z0-9_./-]{0,127}$');
    const list = document.paths['/v1/deployments'].get.parameters.map((p: any) => [p.name, p.in]);
    expect(list).toEqual([['project', 'query'], ['environment', 'query'], ['status', 'query'], ['pageSize', 'query'], ['pageToken', 'query']]);
  });

  it('passes an OpenAPI 3.1 schema validator', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'berth-openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    // The validator is an ES module; its own command line runs it outside Jest's CommonJS loader.
    const cli = require.resolve('@seriousme/openapi-schema-validator/bin/validate-api-cli.js');
    const result = spawnSync(process.execPath, [cli, file], { encoding: 'utf8' });
    expect({ status: result.status, output: JSON.parse(result.stdout) }).toEqual({ status: 0, output: { valid: true } });
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** Starts the real entry point; it must fail before starting anything. */
function startWith(yaml: string, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'berth-start-'));
  const path = join(dir, 'berth.yaml');
  writeFileSync(path, yaml);
  return spawnSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'src', 'main.ts')], {
    env: { PATH: process.env.PATH, BERTH_CONFIG: path, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('starting Berth', () => {
  it('refuses an invalid berth.yaml with path-qualified messages', () => {
    const result = startWith(`
api:
  tokens:
    - { name: ci, secret: env:BERTH_TOKEN_CI, scopes: [deploy, launch] }
hosts:
  local: { ports: 21000-20000 }
projects:
  web:
    image: 127.0.0.1:5000/fixture/web
    health: { interval: soon }
    environments:
      staging: { host: local, hostname: web.staging.localhost }
`);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('api/tokens/0/scopes/1: Invalid option: expected one of "deploy"|"approve"|"rollback"|"read"');
    expect(result.stderr).toContain('hosts/local/ports: "21000-20000" should be a port range');
    expect(result.stderr).toContain('projects/web/health/interval: "soon" is not a duration');
  });

  it('refuses a token whose secret reference is not set', () => {
    const result = startWith(`
api:
  tokens: [{ name: ci, secret: env:BERTH_TOKEN_UNSET, scopes: [deploy] }]
hosts: { local: {} }
projects:
  web:
    image: 127.0.0.1:5000/fixture/web
    environments: { staging: { host: local, hostname: web.staging.localhost } }
`);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('api/tokens/0/secret: secret env:BERTH_TOKEN_UNSET is not set');
  });
});

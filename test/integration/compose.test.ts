import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(__dirname, '..', '..');

describe('docker-compose.temporal.yml', () => {
  it('is a valid Compose file with Temporal on PostgreSQL, the Web UI, and Berth', () => {
    const result = spawnSync('docker-compose', ['-f', join(root, 'docker-compose.temporal.yml'), 'config'], { cwd: root, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);

    const config = parse(result.stdout);
    expect(Object.keys(config.services).sort()).toEqual(
      ['berth-api', 'berth-worker', 'caddy', 'postgresql', 'temporal', 'temporal-setup', 'temporal-ui'].sort(),
    );
    expect(config.services.temporal.environment.DB).toBe('postgres12');
    expect(config.services['berth-worker'].command).toEqual(['node', 'dist/main.js', 'worker']);
    expect(config.services['berth-worker'].network_mode).toBe('host');
    expect(config.services['berth-api'].command).toEqual(['node', 'dist/main.js', 'api']);
    // Every port it publishes binds loopback only.
    const published = Object.values<any>(config.services).flatMap((service) => service.ports ?? []);
    expect(published.length).toBeGreaterThan(0);
    for (const port of published) expect(port.host_ip ?? String(port)).toMatch(/^127\.0\.0\.1/);
  });
});

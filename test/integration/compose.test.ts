import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load-config';
import { dockerSocketPath } from '../support/world';

const root = join(__dirname, '..', '..');
const composeFile = join(root, 'docker-compose.temporal.yml');
const dockerGid = String(fs.statSync(dockerSocketPath()).gid);

function composeConfig(env: NodeJS.ProcessEnv) {
  return spawnSync('docker-compose', ['-f', composeFile, 'config'], { cwd: root, encoding: 'utf8', env });
}

/** Every secret reference in a loaded config, with its path (`api/tokens/0/secret`). */
function secretRefs(value: unknown, at: string[] = []): Array<{ path: string; ref: string }> {
  if (typeof value === 'string') return /^(env|file):/.test(value) ? [{ path: at.join('/'), ref: value }] : [];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, inner]) => secretRefs(inner, [...at, key]));
  return [];
}

describe('docker-compose.temporal.yml', () => {
  const { DOCKER_GID: _unset, ...withoutGid } = process.env;
  const result = composeConfig({ ...withoutGid, DOCKER_GID: dockerGid });
  const config = parse(result.stdout);

  it('is a valid Compose file: Temporal server on PostgreSQL with its schema set up by temporal-sql-tool, the Web UI, and Berth', () => {
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(Object.keys(config.services).sort()).toEqual(['berth-api', 'berth-worker', 'caddy', 'postgresql', 'temporal', 'temporal-schema', 'temporal-ui']);
    expect(config.services.temporal.image).toMatch(/^temporalio\/server:/);
    expect(config.services.temporal.environment.DB).toBe('postgres12');
    expect(config.services.temporal.depends_on['temporal-schema'].condition).toBe('service_completed_successfully');
    expect(config.services['temporal-schema'].image).toMatch(/^temporalio\/admin-tools:/);
    const schemaScript = config.services['temporal-schema'].command.join('\n');
    for (const step of ['temporal-sql-tool', 'setup-schema', 'update-schema', 'postgresql/v12']) expect(schemaScript).toContain(step);
    expect(JSON.stringify(config)).not.toContain('auto-setup');
    // The image's entrypoint is scripts/start-berth.sh (jemalloc); the command is Berth's role.
    expect(config.services['berth-worker'].command).toEqual(['worker']);
    expect(config.services['berth-api'].command).toEqual(['api']);
    expect(config.services['berth-worker'].network_mode).toBe('host');
    // The image runs as `node`: the socket's group lets it reach Docker.
    expect(config.services['berth-worker'].group_add).toEqual([dockerGid]);
    const published = Object.values<any>(config.services).flatMap((service) => service.ports ?? []);
    expect(published.length).toBeGreaterThan(0);
    for (const port of published) expect(port.host_ip ?? String(port)).toMatch(/^127\.0\.0\.1/);
  });

  it('refuses to run without the Docker socket group, saying how to find it', () => {
    const refused = composeConfig(withoutGid);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('stat -c %g /var/run/docker.sock');
  });

  it('mounts deploy/berth.yaml, which loads with Berth’s own loader and reads each secret from a file compose gives that service', () => {
    for (const service of ['berth-worker', 'berth-api']) {
      const { environment, volumes } = config.services[service];
      expect(environment.BERTH_CONFIG).toBe('/etc/berth/berth.yaml');
      expect(volumes).toContain(`${join(root, 'deploy', 'berth.yaml')}:/etc/berth/berth.yaml:ro`);
    }
    const berth = loadConfig({ BERTH_CONFIG: join(root, 'deploy', 'berth.yaml') });
    expect(berth.temporal?.address).toBe('127.0.0.1:7233');
    const refs = secretRefs(berth);
    expect(refs.map((r) => r.path)).toEqual(['api/tokens/0/secret', 'api/tokens/1/secret', 'registries/registry.example.com/password']);
    for (const { path, ref } of refs) {
      // API tokens are resolved by the API; every other secret inside the worker's activities.
      const service = path.startsWith('api/') ? 'berth-api' : 'berth-worker';
      const name = /^file:\/run\/secrets\/([a-z_]+)$/.exec(ref)?.[1];
      expect({ path, name }).toEqual({ path, name: expect.any(String) });
      expect(config.services[service].secrets.map((s: { source: string }) => s.source)).toContain(name);
      expect(config.secrets[name!].file).toBe(join(root, 'secrets', name!));
    }
  });
});

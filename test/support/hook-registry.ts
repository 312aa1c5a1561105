import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { ownedProcess, spawnToLog, type EmbeddedProcess } from '../../src/embedded/child-process';
import { drain } from '../../src/embedded/image-import';
import { httpOk } from '../../src/embedded/probes';
import { waitUntil } from '../../src/embedded/wait-until';
import { createLogger } from '../../src/logger';

/** A Debian docker-registry of a test's own, whose notifications go to a Berth hook with a bearer secret. */
export interface HookRegistry extends EmbeddedProcess {
  address: string;
}

/** Distribution's config with one notification endpoint; JSON is YAML. */
export function notifyingRegistryConfig(address: string, storageDir: string, hookUrl: string, secret: string): object {
  return {
    version: '0.1',
    log: { level: 'warn', fields: { service: 'hook-registry' } },
    storage: { filesystem: { rootdirectory: storageDir } },
    http: { addr: address },
    notifications: {
      endpoints: [{ name: 'berth', url: hookUrl, headers: { Authorization: [`Bearer ${secret}`] }, timeout: '5s', threshold: 3, backoff: '1s' }],
    },
  };
}

export async function startHookRegistry(options: { address: string; hookUrl: string; secret: string; logFile: string }): Promise<HookRegistry> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-hook-registry-'));
  const configFile = path.join(dir, 'config.yml');
  fs.writeFileSync(configFile, JSON.stringify(notifyingRegistryConfig(options.address, path.join(dir, 'data'), options.hookUrl, options.secret)));
  const child = await spawnToLog('/usr/bin/docker-registry', ['serve', configFile], { logFile: options.logFile });
  const handle = ownedProcess(child, { name: 'hook registry', graceMs: 5000, logger: createLogger() });
  await waitUntil(() => httpOk(`http://${options.address}/v2/`), { what: `registry at ${options.address}`, timeoutMs: 30_000, child, logFile: options.logFile });
  return {
    address: options.address,
    pid: handle.pid,
    stop: async () => {
      await handle.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A new image (so a new digest) from `base`, answering /version with
 * `version`: a stopped container of the base committed with another VERSION.
 */
export async function buildVersion(docker: Dockerode, base: string, repository: string, version: string): Promise<string> {
  const container = await docker.createContainer({ Image: base, Labels: { 'berth.test': 'hooks-build' } });
  try {
    await container.commit({ repo: repository, tag: version, changes: `ENV VERSION=${version}` });
  } finally {
    await container.remove({ force: true });
  }
  return `${repository}:${version}`;
}

/** `docker tag` + `docker push`, what CI does after a build; answers the digest the registry now holds for the tag. */
export async function pushAs(docker: Dockerode, image: string, repository: string, tag: string): Promise<string> {
  await docker.getImage(image).tag({ repo: repository, tag });
  await drain(docker, await docker.getImage(`${repository}:${tag}`).push({ tag }), `push ${repository}:${tag}`);
  const [address, ...path] = repository.split('/');
  const head = await fetch(`http://${address}/v2/${path.join('/')}/manifests/${tag}`, { method: 'HEAD', headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
  return head.headers.get('docker-content-digest')!;
}

import http from 'node:http';
import Docker from 'dockerode';
import { sleep } from './stats';

/** One GET on a fresh connection; its status, or undefined when nothing answered. */
function statusOf(port: number, path: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('error', () => resolve(undefined));
    request.on('timeout', () => request.destroy());
  });
}

/**
 * The floor under a wave of deploys: `n` containers of `image` created and
 * started at once straight through Docker's API, with no Temporal, no proxy and
 * no pull, each probed on its own loopback port every 20 ms. Returns each
 * one's ms from the start of the wave to its first 200 on `path`.
 */
export async function dockerAloneWave(docker: Docker, image: string, n: number, firstPort: number, path = '/health'): Promise<number[]> {
  const startedAt = Date.now();
  const names = Array.from({ length: n }, (_, i) => `berth-bench-floor-${i}`);
  try {
    return await Promise.all(
      names.map(async (name, i) => {
        const port = firstPort + i;
        const container = await docker.createContainer({ name, Image: image, Env: [`PORT=${port}`], HostConfig: { NetworkMode: 'host' } });
        await container.start();
        for (let tries = 0; tries < 3000; tries++) {
          if ((await statusOf(port, path)) === 200) return Date.now() - startedAt;
          await sleep(20);
        }
        throw new Error(`${name} never answered 200 on 127.0.0.1:${port}${path}`);
      }),
    );
  } finally {
    await Promise.all(names.map((name) => docker.getContainer(name).remove({ force: true }).catch(() => undefined)));
  }
}

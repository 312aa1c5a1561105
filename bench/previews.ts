/**
 * Prints how long preview instances take from the request to serving, one
 * alone and several at once (each instance has its own owner, so they do
 * not queue behind each other).
 * Run: npx tsx bench/previews.ts [instances]
 */
import { runInWorld } from './in-world';
import { tokens } from '../test/support/berth-harness';
import { buildVersion, pushAs } from '../test/support/hook-registry';
import { getThroughProxy } from '../test/support/proxy-client';
import { readWorld } from '../test/support/world';

const count = Number(process.argv[2] ?? 4);
const domain = 'pv.bench.localhost';

runInWorld({ name: 'bench', project: { image: `${readWorld().registryAddress}/fixture/previews-bench` }, environments: { preview: { previews: { domain } } } }, async (berth) => {
  const repository = berth.config.projects[berth.project].image;
  const tags = Array.from({ length: count + 1 }, (_, index) => `bench-${index}`);
  for (const tag of tags) await pushAs(berth.docker, await buildVersion(berth.docker, berth.image('v1'), repository, tag), repository, tag);

  /** Request to serving: the deploy's end, then the instance answering its own version through the proxy. */
  async function deploy(tag: string): Promise<number> {
    const startedAt = Date.now();
    const response = await berth.request('POST', '/v1/deployments', { project: berth.project, environment: 'preview', tag }, tokens.ci);
    const record = await berth.waitForOutcome(response.body.id);
    if (record.status !== 'succeeded') throw new Error(`${tag} ended ${record.status}: ${record.reason}`);
    const answer = await getThroughProxy(berth.proxy().listen, new URL(response.body.url).hostname, '/version');
    if (answer.body !== tag) throw new Error(`${tag} answered ${answer.status} ${answer.body}`);
    return Date.now() - startedAt;
  }

  console.log(`one instance alone: serving ${await deploy(tags[0])} ms after the request`);
  const startedAt = Date.now();
  const each = await Promise.all(tags.slice(1).map(deploy));
  console.log(`${count} instances at once: each serving after ${each.join(', ')} ms; all serving after ${Date.now() - startedAt} ms`);
  // The harness removes containers and the environment's route; instance routes are this bench's to remove.
  for (const tag of tags) {
    const instance = `stage-preview-bench-${tag}`;
    await berth.proxy().remove({ project: berth.project, environment: 'preview', instance, hostname: `${instance}.${domain}` });
  }
});

/**
 * Prints how long preview instances take from the request to serving, one
 * alone and several at once (each instance has its own owner, so they do
 * not queue behind each other), and how long a removal takes until its
 * notification (container and route gone).
 * Run: npx tsx bench/previews.ts [instances]
 */
import { runInWorld } from './in-world';
import { tokens, type Harness } from '../test/support/berth-harness';
import { buildVersion, pushAs } from '../test/support/hook-registry';
import { getThroughProxy } from '../test/support/proxy-client';
import { readWorld } from '../test/support/world';
import { ownerWorkflowId, previewsWorkflowId } from '../src/workflows/definitions';

const count = Number(process.argv[2] ?? 4);
const domain = 'pv.bench.localhost';
const tags = Array.from({ length: count + 1 }, (_, index) => `bench-${index}`);
const instanceOf = (tag: string) => `stage-preview-bench-${tag}`;

/** The coordinator and instance owners a run leaves in Temporal would heal or evict in the next one. */
async function forgetRuns(berth: Harness): Promise<void> {
  const ids = [previewsWorkflowId(berth.project, 'preview'), ...tags.map((tag) => ownerWorkflowId(berth.project, 'preview', instanceOf(tag)))];
  for (const id of ids) await berth.client.workflow.getHandle(id).terminate('bench run over').catch(() => undefined);
  // The harness removes containers and the environment's route; instance routes are this bench's to remove.
  for (const tag of tags) await berth.proxy().remove({ project: berth.project, environment: 'preview', instance: instanceOf(tag), hostname: `${instanceOf(tag)}.${domain}` });
}

runInWorld(() => ({ name: 'bench', project: { image: `${readWorld().registryAddress}/fixture/previews-bench` }, environments: { preview: { previews: { domain } } } }), async (berth) => {
  await forgetRuns(berth);
  await berth.cleanup();
  const repository = berth.config.projects[berth.project].image;
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

  /** DELETE to the removal's notification: the instance's containers and route are gone by then. */
  async function remove(tag: string): Promise<number> {
    const startedAt = Date.now();
    const response = await berth.request('DELETE', `/v1/projects/${berth.project}/environments/preview/instances/${tag}`, undefined, tokens.ci);
    if (response.status !== 202) throw new Error(`DELETE ${tag} answered ${response.status}`);
    while (!berth.receiver.received.some((hook) => hook.json.event === 'instance_removed' && hook.json.tag === tag)) {
      if (Date.now() - startedAt > 60_000) throw new Error(`${tag} not removed within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return Date.now() - startedAt;
  }

  try {
    console.log(`one instance alone: serving ${await deploy(tags[0])} ms after the request`);
    const startedAt = Date.now();
    const each = await Promise.all(tags.slice(1).map(deploy));
    console.log(`${count} instances at once: each serving after ${each.join(', ')} ms; all serving after ${Date.now() - startedAt} ms`);
    const removals: number[] = [];
    for (const tag of tags) removals.push(await remove(tag));
    console.log(`removing ${tags.length} instances one after another (DELETE to notification): ${removals.join(', ')} ms`);
  } finally {
    await forgetRuns(berth);
  }
});

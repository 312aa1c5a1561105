/**
 * Berth runs as `npm start` runs it (scripts/start-berth.sh: worker and API in
 * one process), apart from this driver. Growth: 1, 10 and 50 environments deploying
 * at once (median per-deploy time from request to the switch, its ratio to the
 * single case, where the time went and which processes spent the CPU), then the
 * same waves straight through Docker, the floor the host sets. Then `idle`
 * environments left idle for `idleS` seconds: Berth's RSS and CPU, the Temporal
 * server's CPU, and the Temporal actions the owners spent per environment per hour.
 * Run: npx tsx bench/scale.ts [idle=1000; 0 for the growth waves only] [idleS=reconcile interval + 60] [reconcile interval, e.g. 30s; default: the configured default]
 */
import Docker from 'dockerode';
import { dockerAloneWave } from './docker-alone';
import { cpuSplitOf } from './cpu-split';
import { cpuByThread, cpuSecondsOf, heapOf, rssMap, rssOf, startBerthChild, threadSplit } from './berth-child';
import { runInWorld } from './in-world';
import { median, sleep, summary } from './stats';
import type { Harness } from '../test/support/berth-harness';
import { ownerWorkflowId } from '../src/workflows/definitions';
import type { DeployRecord } from '../src/model/types';
import { describeTimelines, timelineOf } from './timeline';

const idle = Number(process.argv[2] ?? 1000);
// Default: one backstop interval and a minute, so every owner's pass falls in the window once.
const idleArg = process.argv[3];
const interval = process.argv[4];
// BENCH_SCALE_WAVES=0 skips the growth waves (and Docker's), for a run about idle cost only.
const waves = process.env.BENCH_SCALE_WAVES === '0' ? [] : [1, 1, 1, 10, 50];
const names = Array.from({ length: Math.max(idle, 50) }, (_, i) => `e${i}`);

/**
 * The deploy's record from its workflow's result. Not the API's GET: for a
 * running deploy that is a query, a workflow task on the very worker measured,
 * and 50 pollers at 4 Hz would be most of the load.
 */
async function recordOf(berth: Harness, id: string): Promise<DeployRecord> {
  const handle = berth.client.workflow.getHandle(id);
  for (let i = 0; i < 600 && !(await handle.describe().catch(() => undefined)); i++) await sleep(500);
  try {
    return (await handle.result()) as DeployRecord;
  } catch (error) {
    throw new Error(`deploy ${id} failed: ${(error as Error).message}`, { cause: error });
  }
}

/** Deploys `tag` to each environment at once; each one's ms from request to its switch, and the median of each step before it. */
async function wave(berth: Harness, environments: string[], tag: string): Promise<{ took: number[]; steps: string }> {
  const records = await Promise.all(
    environments.map(async (environment) => {
      const requestedAt = Date.now();
      const record = await recordOf(berth, await berth.deploy(tag, environment));
      if (record.status !== 'succeeded') throw new Error(`${record.id} ended ${record.status}: ${record.reason}`);
      return { record, requestedAt, took: Date.parse(record.steps.find((step) => step.name === 'switch')!.finishedAt!) - requestedAt };
    }),
  );
  // Read after the wave, so reading the histories adds nothing to what the wave measures.
  const timelines = await Promise.all(records.map(({ record }) => timelineOf(berth.client, record)));
  const toWorkflow = records.map(({ requestedAt }, i) => timelines[i].startedAt - requestedAt);
  const stepMs = (name: string) => records.map(({ record }) => record.steps.filter((step) => step.name === name && step.finishedAt).reduce((sum, step) => sum + Date.parse(step.finishedAt!) - Date.parse(step.startedAt), 0));
  const steps = ['pull', 'start', 'health', 'switch'].map((name) => `${name} ${median(stepMs(name))}`).join(', ');
  const where = describeTimelines(timelines).map((line) => `  ${line}`).join('\n');
  return { took: records.map(({ took }) => took), steps: `median step ms: ${steps}; request → deploy workflow started ${summary(toWorkflow)}\n${where}` };
}

/** Billable-looking events in all owners' histories: timers, activities (local ones too), signals; and workflow tasks. */
async function ownerActions(berth: Harness, environments: string[]): Promise<{ timers: number; activities: number; signals: number; workflowTasks: number }> {
  const total = { timers: 0, activities: 0, signals: 0, workflowTasks: 0 };
  for (let i = 0; i < environments.length; i += 50) {
    const histories = await Promise.all(environments.slice(i, i + 50).map((environment) => berth.client.workflow.getHandle(ownerWorkflowId(berth.project, environment)).fetchHistory()));
    for (const event of histories.flatMap((history) => history.events ?? [])) {
      if (event.timerStartedEventAttributes) total.timers += 1;
      // A local activity (the owner's pass, when its worker serves the host) is an action too.
      if (event.activityTaskScheduledEventAttributes || event.markerRecordedEventAttributes?.markerName === 'core_local_activity') total.activities += 1;
      if (event.workflowExecutionSignaledEventAttributes) total.signals += 1;
      if (event.workflowTaskCompletedEventAttributes) total.workflowTasks += 1;
    }
  }
  return total;
}

runInWorld({
    name: 'scale-bench',
    project: { health: { path: '/health', interval: '200ms', timeout: '1s', retries: 15, monitor: '1s' } },
    environments: Object.fromEntries(names.map((name) => [name, interval ? { reconcile: { interval } } : {}])),
    // A port per environment and room for candidates: the harness's default range holds 1,000.
    config: { hosts: { 'scale-bench': { docker: 'unix:///var/run/docker.sock', network: 'host', ports: '30000-31999' } } },
    workers: false,
  }, async (berth) => {
  const child = await startBerthChild(berth);
  try {
    await measure(berth, child.pid!);
  } finally {
    // Owners would otherwise keep their timers on a queue nobody serves once the bench ends.
    await Promise.all(names.map((environment) => berth.client.workflow.getHandle(ownerWorkflowId(berth.project, environment)).terminate('benchmark over').catch(() => undefined)));
    await child.stop();
  }
});

async function measure(berth: Harness, pid: number): Promise<void> {
  const startRss = rssOf(pid);
  // Once what start-up freed has been given back (jemalloc purges after 5 s).
  await sleep(30_000);
  const settledRss = rssOf(pid);
  const startMap = rssMap(pid);
  const intervalMs = berth.config.projects[berth.project].environments.e0.reconcile.interval;
  const idleS = idleArg ? Number(idleArg) : intervalMs / 1000 + 60;
  const ratios: string[] = [];
  let single: number[] = [];
  for (const [index, size] of waves.entries()) {
    const { result: { took, steps }, line } = await cpuSplitOf({ berth: pid }, () => wave(berth, names.slice(0, size), index % 2 === 0 ? 'v1' : 'v2'));
    if (size === 1) single = [...single, ...took];
    console.log(`${size} at once: per-deploy request → switch ${summary(took)}; ${steps}\n  ${line}`);
    if (size > 1) ratios.push(`${size} at once ${(median(took) / median(single)).toFixed(2)}× the single median (${median(single)} ms)`);
  }
  console.log(`growth: ${ratios.join('; ')}`);

  // The same waves straight through Docker: what the host itself costs at that concurrency, and what Berth adds above it.
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  const floors: string[] = [];
  for (const size of waves) {
    const { result: took, line } = await cpuSplitOf({ berth: pid }, () => dockerAloneWave(docker, berth.image('v1'), size, 32000));
    console.log(`${size} at once, Docker alone: create + start → first 200 ${summary(took)}\n  ${line}`);
    if (size > 1) floors.push(`${size} at once ${median(took)} ms`);
  }
  console.log(`Docker alone floor: ${floors.join('; ')}`);
  if (idle === 0) return;

  const idleNames = names.slice(0, idle);
  const fillStartedAt = Date.now();
  // The first 50 already serve since the waves, if they ran.
  for (let i = waves.length ? 50 : 0; i < idle; i += 50) await wave(berth, idleNames.slice(i, i + 50), 'v1');
  console.log(`${idle} environments serving after ${Math.round((Date.now() - fillStartedAt) / 1000)} s; idle for ${idleS} s, reconcile interval ${interval ?? 'default'}`);
  await sleep(10_000);

  const temporal = berth.world.started.find((started) => /temporal/i.test(started.name));
  const before = { actions: await ownerActions(berth, idleNames), cpu: cpuSecondsOf(pid), threads: cpuByThread(pid), temporalCpu: temporal ? cpuSecondsOf(temporal.pid) : NaN, at: Date.now() };
  let maxRss = 0;
  for (let waited = 0; waited < idleS; waited += 5) {
    await sleep(5000);
    maxRss = Math.max(maxRss, rssOf(pid));
  }
  const wallS = (Date.now() - before.at) / 1000;
  const cpuS = cpuSecondsOf(pid) - before.cpu;
  const threads = threadSplit(before.threads, cpuByThread(pid));
  const temporalS = temporal ? cpuSecondsOf(temporal.pid) - before.temporalCpu : NaN;
  const endRss = rssOf(pid);
  // With --heapsnapshot-signal=SIGUSR2 in BENCH_BERTH_ENV's NODE_OPTIONS: what the idle heap holds.
  if (process.env.BENCH_HEAP_SNAPSHOT) process.kill(pid, 'SIGUSR2');
  const after = await ownerActions(berth, idleNames);
  const perEnvHour = (n: number) => ((n / idle) * 3600) / wallS;
  const d = { timers: after.timers - before.actions.timers, activities: after.activities - before.actions.activities, signals: after.signals - before.actions.signals, workflowTasks: after.workflowTasks - before.actions.workflowTasks };
  console.log(`idle ${idle} × ${Math.round(wallS)} s: Berth (worker + API, one process) RSS max ${Math.round(maxRss / 2 ** 20)} MB, at the end ${Math.round(endRss / 2 ** 20)} MB (${Math.round(startRss / 2 ** 20)} MB after start, ${Math.round(settledRss / 2 ** 20)} MB 30 s later, before any deploy)`);
  console.log(`idle: RSS by mapping 30 s after start: ${startMap}; at the end: ${rssMap(pid)}`);
  console.log(`idle: Berth CPU by thread: ${threads} (process ${cpuS.toFixed(1)} s)`);
  console.log(`idle: Berth CPU ${((cpuS / wallS) * 100).toFixed(2)}% of one core; Temporal dev server CPU ${((temporalS / wallS) * 100).toFixed(2)}% of one core (shared with other users of the world)`);
  const passes = d.activities / idle;
  console.log(`idle: ${passes.toFixed(2)} reconcile passes per environment in the window; each pass ${passes ? ((d.timers + d.activities + d.signals) / d.activities).toFixed(1) : '?'} actions; at ${intervalMs / 1000} s intervals that is ${passes ? (((d.timers + d.activities + d.signals) / d.activities) * (3600_000 / intervalMs)).toFixed(1) : '?'} actions per environment per hour`);
  console.log(`idle: measured per environment per hour: ${(perEnvHour(d.timers) + perEnvHour(d.activities) + perEnvHour(d.signals)).toFixed(1)} actions (timers ${perEnvHour(d.timers).toFixed(1)}, activities ${perEnvHour(d.activities).toFixed(1)}, signals ${perEnvHour(d.signals).toFixed(1)}); workflow tasks ${perEnvHour(d.workflowTasks).toFixed(1)}`);
  // Last: the scrape itself asks Temporal for counts per environment and status.
  console.log(`idle: ${await heapOf(berth)}`);
}

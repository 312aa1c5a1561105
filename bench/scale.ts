/**
 * Growth: 1, 10 and 50 environments deploying at once (median per-deploy
 * time from request to the switch, and its ratio to the single case); then
 * `idle` environments left idle for `idleS` seconds: this process's RSS and
 * CPU (Berth's worker and API run in it), the Temporal server's CPU, and the
 * Temporal actions the owners spent, per environment per hour.
 * Run: npx tsx bench/scale.ts [idle=1000] [idleS=reconcile interval + 60] [reconcile interval, e.g. 30s; default: the configured default]
 */
import fs from 'node:fs';
import { runInWorld } from './in-world';
import { median, sleep, summary } from './stats';
import type { Harness } from '../test/support/berth-harness';
import { ownerWorkflowId } from '../src/workflows/definitions';
import type { DeployRecord } from '../src/model/types';

const idle = Number(process.argv[2] ?? 1000);
// Default: one backstop interval and a minute, so every owner's pass falls in the window once.
const idleArg = process.argv[3];
const interval = process.argv[4];
const waves = [1, 1, 1, 10, 50];
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
      return { record, took: Date.parse(record.steps.find((step) => step.name === 'switch')!.finishedAt!) - requestedAt };
    }),
  );
  const stepMs = (name: string) => records.map(({ record }) => record.steps.filter((step) => step.name === name && step.finishedAt).reduce((sum, step) => sum + Date.parse(step.finishedAt!) - Date.parse(step.startedAt), 0));
  const steps = ['pull', 'start', 'health', 'switch'].map((name) => `${name} ${median(stepMs(name))}`).join(', ');
  return { took: records.map(({ took }) => took), steps: `median step ms: ${steps}` };
}

/** Billable-looking events in all owners' histories: timers, activities, signals; and workflow tasks. */
async function ownerActions(berth: Harness, environments: string[]): Promise<{ timers: number; activities: number; signals: number; workflowTasks: number }> {
  const total = { timers: 0, activities: 0, signals: 0, workflowTasks: 0 };
  for (let i = 0; i < environments.length; i += 50) {
    const histories = await Promise.all(environments.slice(i, i + 50).map((environment) => berth.client.workflow.getHandle(ownerWorkflowId(berth.project, environment)).fetchHistory()));
    for (const event of histories.flatMap((history) => history.events ?? [])) {
      if (event.timerStartedEventAttributes) total.timers += 1;
      if (event.activityTaskScheduledEventAttributes) total.activities += 1;
      if (event.workflowExecutionSignaledEventAttributes) total.signals += 1;
      if (event.workflowTaskCompletedEventAttributes) total.workflowTasks += 1;
    }
  }
  return total;
}

/** CPU seconds a process has used (utime + stime from /proc, in clock ticks of 10 ms). */
function cpuSecondsOf(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

runInWorld({
    name: 'scale-bench',
    project: { health: { path: '/health', interval: '200ms', timeout: '1s', retries: 15, monitor: '1s' } },
    environments: Object.fromEntries(names.map((name) => [name, interval ? { reconcile: { interval } } : {}])),
    // A port per environment and room for candidates: the harness's default range holds 1,000.
    config: { hosts: { 'scale-bench': { docker: 'unix:///var/run/docker.sock', network: 'host', ports: '30000-31999' } } },
  }, async (berth) => {
  const startRss = process.memoryUsage().rss;
  const intervalMs = berth.config.projects[berth.project].environments.e0.reconcile.interval;
  const idleS = idleArg ? Number(idleArg) : intervalMs / 1000 + 60;
  const ratios: string[] = [];
  let single: number[] = [];
  for (const [index, size] of waves.entries()) {
    const { took, steps } = await wave(berth, names.slice(0, size), index % 2 === 0 ? 'v1' : 'v2');
    if (size === 1) single = [...single, ...took];
    console.log(`${size} at once: per-deploy request → switch ${summary(took)}; ${steps}`);
    if (size > 1) ratios.push(`${size} at once ${(median(took) / median(single)).toFixed(2)}× the single median (${median(single)} ms)`);
  }
  console.log(`growth: ${ratios.join('; ')}`);

  const idleNames = names.slice(0, idle);
  const fillStartedAt = Date.now();
  // The first 50 already serve since the waves.
  for (let i = 50; i < idle; i += 50) await wave(berth, idleNames.slice(i, i + 50), 'v1');
  console.log(`${idle} environments serving after ${Math.round((Date.now() - fillStartedAt) / 1000)} s; idle for ${idleS} s, reconcile interval ${interval ?? 'default'}`);
  await sleep(10_000);

  const temporal = berth.world.started.find((started) => /temporal/i.test(started.name));
  const before = { actions: await ownerActions(berth, idleNames), cpu: process.cpuUsage(), temporalCpu: temporal ? cpuSecondsOf(temporal.pid) : NaN, at: Date.now() };
  let maxRss = 0;
  for (let waited = 0; waited < idleS; waited += 5) {
    await sleep(5000);
    maxRss = Math.max(maxRss, process.memoryUsage().rss);
  }
  const wallS = (Date.now() - before.at) / 1000;
  const cpu = process.cpuUsage(before.cpu);
  const after = await ownerActions(berth, idleNames);
  const perEnvHour = (n: number) => ((n / idle) * 3600) / wallS;
  const d = { timers: after.timers - before.actions.timers, activities: after.activities - before.actions.activities, signals: after.signals - before.actions.signals, workflowTasks: after.workflowTasks - before.actions.workflowTasks };
  console.log(`idle ${idle} × ${Math.round(wallS)} s: Berth worker + API RSS max ${Math.round(maxRss / 2 ** 20)} MB, at the end ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB (one process with the bench; ${Math.round(startRss / 2 ** 20)} MB after start, before any deploy)`);
  console.log(`idle: Berth CPU ${(((cpu.user + cpu.system) / 1e6 / wallS) * 100).toFixed(2)}% of one core; Temporal dev server CPU ${temporal ? (((cpuSecondsOf(temporal.pid) - before.temporalCpu) / wallS) * 100).toFixed(2) : '?'}% of one core (shared with other users of the world)`);
  const passes = d.activities / idle;
  console.log(`idle: ${passes.toFixed(2)} reconcile passes per environment in the window; each pass ${passes ? ((d.timers + d.activities + d.signals) / d.activities).toFixed(1) : '?'} actions; at ${intervalMs / 1000} s intervals that is ${passes ? (((d.timers + d.activities + d.signals) / d.activities) * (3600_000 / intervalMs)).toFixed(1) : '?'} actions per environment per hour`);
  console.log(`idle: measured per environment per hour: ${(perEnvHour(d.timers) + perEnvHour(d.activities) + perEnvHour(d.signals)).toFixed(1)} actions (timers ${perEnvHour(d.timers).toFixed(1)}, activities ${perEnvHour(d.activities).toFixed(1)}, signals ${perEnvHour(d.signals).toFixed(1)}); workflow tasks ${perEnvHour(d.workflowTasks).toFixed(1)}`);

  // Owners would otherwise keep their timers on a queue nobody serves once the bench ends.
  await Promise.all(names.map((environment) => berth.client.workflow.getHandle(ownerWorkflowId(berth.project, environment)).terminate('benchmark over').catch(() => undefined)));
});

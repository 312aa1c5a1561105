/**
 * Prints how fast a killed release serves again through Docker's event
 * stream (the reconcile interval is 10 min, so no periodic pass helps), and
 * what an idle environment and one heal cost in Temporal history: timers,
 * activities, signals and workflow tasks, per pass and per hour.
 * Run: npx tsx bench/heal.ts [rounds]
 */
import type { Client } from '@temporalio/client';
import { runInWorld } from './in-world';

const rounds = Number(process.argv[2] ?? 5);
const idleIntervalS = 2;
const idleWindowS = 20;

/** History events of one kind, counted. */
async function counts(client: Client, workflowId: string): Promise<Record<string, number>> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const tally: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const kind = String(event.eventType ?? '');
    tally[kind] = (tally[kind] ?? 0) + 1;
  }
  return tally;
}

/** Billable-looking actions and workflow tasks between two tallies. */
function delta(before: Record<string, number>, after: Record<string, number>): { timers: number; activities: number; signals: number; workflowTasks: number } {
  const d = (kind: string) => (after[kind] ?? 0) - (before[kind] ?? 0);
  // Event types as the SDK reports them (numbers of the EventType enum): 17 TimerStarted, 10 ActivityTaskScheduled, 26 WorkflowExecutionSignaled, 7 WorkflowTaskCompleted.
  return { timers: d('17'), activities: d('10'), signals: d('26'), workflowTasks: d('7') };
}

runInWorld({
    name: 'heal-bench',
    environments: { staging: { reconcile: { interval: '10m', maxHeals: 100, healWindow: '1m' } }, idle: { reconcile: { interval: `${idleIntervalS}s` } } },
  }, async (berth) => {
  await berth.deployAndWait('v1');
  const ownerId = `env.${berth.project}.staging`;
  const healMs: number[] = [];
  const before = await counts(berth.client, ownerId);
  for (let round = 0; round < rounds; round++) {
    const [live] = (await berth.releases()).filter((r) => r.running);
    // Without Docker's restart policy only Berth brings it back.
    await berth.docker.getContainer(live.id).update({ RestartPolicy: { Name: 'no' } });
    const killedAt = Date.now();
    await berth.docker.getContainer(live.id).kill();
    for (let i = 0; i < 600; i++) {
      if ((await berth.proxyGet('staging').catch(() => undefined))?.body === 'v1' && (await berth.releases()).some((r) => r.running)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    healMs.push(Date.now() - killedAt);
    console.log(`heal ${round + 1}: killed release served again after ${healMs[round]} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }
  const sorted = [...healMs].sort((a, b) => a - b);
  console.log(`event-driven heal: median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted[sorted.length - 1]} ms over ${rounds} kills (reconcile interval 10 min)`);
  const perHeal = delta(before, await counts(berth.client, ownerId));
  console.log(`per heal (${rounds} heals): ${JSON.stringify(Object.fromEntries(Object.entries(perHeal).map(([k, v]) => [k, v / rounds])))}`);

  await berth.deployAndWait('v1', 'idle');
  const idleId = `env.${berth.project}.idle`;
  const idleBefore = await counts(berth.client, idleId);
  await new Promise((resolve) => setTimeout(resolve, idleWindowS * 1000));
  const idle = delta(idleBefore, await counts(berth.client, idleId));
  const passes = idle.activities;
  console.log(`idle, interval ${idleIntervalS} s, ${idleWindowS} s: ${JSON.stringify(idle)}`);
  const per = (n: number) => (passes ? n / passes : 0);
  for (const intervalS of [30, 300, 600, 900]) {
    const perHour = 3600 / intervalS;
    const actions = perHour * (per(idle.timers) + per(idle.activities));
    console.log(`interval ${intervalS} s: ${perHour} passes/h, ${actions.toFixed(0)} actions/h (timers + activities), ${(perHour * per(idle.workflowTasks)).toFixed(0)} workflow tasks/h per idle environment`);
  }
});

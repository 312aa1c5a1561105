import { setCurrentDetails, sleep } from '@temporalio/workflow';
import { ApprovalGate, howToApprove } from './approval-gate';
import { schemaStayedForward } from '../model/migration-types';
import { ReleaseRun } from './release-run';
import { msUntilWindowOpens } from './workflow-activities';
import type { DeployRecord, DeploySpec, PulledImage } from '../model/types';

/**
 * One deploy: pull, start the candidate beside the current release, wait until
 * healthy, switch the proxy, verify through it, drain and retire the previous
 * release, notify. Every step that changes the world registers its undo before
 * it acts; a failure or cancel runs the undos in reverse, shielded from cancel.
 */
export async function deployWorkflow(spec: DeploySpec): Promise<DeployRecord> {
  const run = new ReleaseRun(spec, 'deploy', spec.deploymentId);
  const gate = new ApprovalGate(run.record);
  const { acts, steps, saga } = run;
  return run.execute(async () => {
    const image = await steps.run('pull', async () => {
      const pulled = await acts.pull(`pull ${spec.image}`).pullImage(spec);
      for (const line of pulled.progress ?? []) steps.log('pull', line);
      return pulled;
    });
    run.pinned(image.digest);
    saga.register('remove the pulled image', () => acts.undo(`remove pulled image ${spec.image}`).removePulledImage(spec, image));
    if (spec.migrations) await steps.run('preflight', () => acts.quick('check the database before any change').preflightDatabase(spec));

    // Nothing visible has changed yet: a person decides before migrations or the candidate.
    if (spec.approval === 'required') {
      const current = await acts.quick('read what serves now').describeCurrent(spec);
      const waiting = { current, howToApprove: howToApprove(spec) };
      const notified = run.announce('awaiting_approval', 'awaiting_approval', waiting).catch(() => undefined);
      await steps.run('approval', () => gate.wait(spec, () => run.announce('approval_reminder', 'awaiting_approval', waiting)));
      await notified;
    }
    if (spec.window) await steps.run('window', () => waitForWindow(spec.window!));
    if (spec.migrations) await migrate(run, image);
    const previousUpstream = await acts.quick(`read the route of ${spec.hostname}`).readRoute(spec);

    // Registered before the start: the container is found by name even if its start was never recorded.
    saga.register('remove the candidate container', () => acts.undo(`remove candidate berth-${spec.deploymentId}`).removeCandidate(spec));
    const candidate = await steps.run('start', () => acts.quick(`start candidate berth-${spec.deploymentId} from ${image.pinnedRef}`).startCandidate(spec, image));
    await run.serve(candidate, previousUpstream);
  });
}

/** Waits until the deploy window is open; checks again after each sleep, as clocks and DST move. */
async function waitForWindow(window: string): Promise<void> {
  for (;;) {
    const waitMs = await msUntilWindowOpens(window);
    if (waitMs <= 0) break;
    setCurrentDetails(`Waiting for the deploy window "${window}" to open`);
    await sleep(waitMs);
  }
  setCurrentDetails('');
}

/**
 * Runs the migration under the project's advisory lock. A migrate that fails
 * cleans up after itself; one that succeeded registers its down to run first,
 * so the schema is back before the previous release takes traffic again.
 */
async function migrate(run: ReleaseRun, image: PulledImage): Promise<void> {
  const { spec, acts, steps, saga } = run;
  const migrations = spec.migrations!;
  const result = await steps.run('migrate', () => acts.migrate(`migrate the schema (${migrations.mode})`).migrate(spec, image));
  run.record.migration = result;
  for (const line of result.outputTail.split('\n').filter(Boolean)) steps.log('migrate', line);
  if (migrations.rollback === 'on-failure') {
    saga.register('migrate the schema back down', () => acts.migrateUndo(`migrate the schema back to ${result.versionBefore ?? 'empty'}`).migrateDown(spec, image, result).then(() => undefined), {
      runsFirst: true,
    });
  } else {
    saga.register('say the schema stayed forward', async () => {
      steps.log('migrate', schemaStayedForward(result));
      run.record.schemaNote = schemaStayedForward(result);
    }, { runsFirst: true });
  }
}

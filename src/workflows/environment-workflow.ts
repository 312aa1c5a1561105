import {
  ApplicationFailure,
  ChildWorkflowFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { deployStartOptions } from './deploy-options';
import { deployWorkflow } from './deploy-workflow';
import {
  cancelQueued,
  enqueue,
  findDuplicate,
  healDue,
  initialState,
  noteContainerEvent,
  remember,
  takeNewest,
  takeOldest,
  type OwnerSettings,
  type OwnerState,
  type QueuedRequest,
} from './environment-state';
import { reconcileOnce } from './reconcile';
import { startRegistryPoll, type RegistryPoll } from './registry-poll';
import { rollbackWorkflow } from './rollback-workflow';
import type { DeployRecord, RollbackSpec } from '../model/types';
import { cancelQueuedUpdate, containerEventSignal, deployEndedSignal, enqueueUpdate, ownerQuery, ownerSettingsSignal, pauseReconcileSignal, stageFinishedSignal } from './definitions';

/**
 * The one owner of a project's environment. It runs deploys one at a time as
 * children (the newest queued request wins, older ones are superseded), keeps
 * the desired release and a bounded history, and reconciles drift between
 * deploys. It continues as new after a number of deploys, carrying its state.
 */
export async function environmentWorkflow(state: OwnerState | OwnerSettings): Promise<void> {
  const owner: OwnerState = 'queue' in state ? state : initialState(state);
  const replyTo = new Map<string, string>();
  const ended = new Map<string, DeployRecord>();
  setHandler(ownerQuery, () => owner);
  // A deploy's outcome, sent before its notifications go out.
  setHandler(deployEndedSignal, (record) => {
    if (record.id === owner.running) ended.set(record.id, record);
  });
  setHandler(pauseReconcileSignal, ({ paused, by }) => {
    owner.paused = paused;
    owner.pausedReason = paused ? `paused by ${by}` : undefined;
    if (!paused) owner.healTimes = [];
  });
  setHandler(containerEventSignal, (notice) => noteContainerEvent(owner, notice));
  setHandler(ownerSettingsSignal, (settings) => void (owner.settings = settings));
  setHandler(enqueueUpdate, (request) => {
    owner.settings = request.settings;
    const duplicate = findDuplicate(owner, request.idempotencyKey, Date.now());
    if (duplicate) return { deploymentId: duplicate, status: 'queued', position: 0, duplicate: true };
    const queued: QueuedRequest = { kind: request.kind, spec: request.spec, idempotencyKey: request.idempotencyKey, enqueuedAt: Date.now() };
    if (request.replyTo) replyTo.set(request.spec.deploymentId, request.replyTo);
    return { deploymentId: request.spec.deploymentId, status: 'queued', position: enqueue(owner, queued), duplicate: false };
  });

  setHandler(cancelQueuedUpdate, ({ deploymentId, by }) => {
    if (!cancelQueued(owner, deploymentId, by, new Date().toISOString())) return false;
    const waiting = replyTo.get(deploymentId);
    if (waiting) {
      // A pipeline waiting for this stage hears that it ended.
      replyTo.delete(deploymentId);
      const record = { id: deploymentId, status: 'cancelled', reason: 'cancelled while queued' } as DeployRecord;
      void getExternalWorkflowHandle(waiting).signal(stageFinishedSignal, record).catch(() => undefined);
    }
    return true;
  });

  // Requests that queued behind a running deploy coalesce when it ends; one that found the environment idle runs at once.
  // A container event heals at once; the interval's pass is the backstop for events that were missed.
  let deployJustEnded = false;
  let poll: RegistryPoll | undefined;
  for (;;) {
    poll ??= startRegistryPoll(owner);
    const due = await condition(() => owner.queue.length > 0 || healDue(owner), owner.settings.reconcileIntervalMs).then((woken) => !woken);
    const next = deployJustEnded ? takeNewest(owner) : takeOldest(owner);
    deployJustEnded = false;
    await tellSuperseded(owner, replyTo);
    if (next) {
      await runDeploy(owner, next, replyTo, ended);
      deployJustEnded = owner.queue.length > 0;
    } else if ((due || healDue(owner)) && !owner.paused && owner.desired) {
      // Taken before the pass: an event during the pass (its own restart included) asks for one more check.
      owner.healPending = undefined;
      await reconcileOnce(owner);
      owner.passesThisRun = (owner.passesThisRun ?? 0) + 1;
    }
    if (owner.queue.length === 0 && (owner.deploysThisRun >= owner.settings.continueAsNewAfter || workflowInfo().continueAsNewSuggested || renewsAfterPasses(owner))) {
      await condition(() => allHandlersFinished() && !poll?.checking());
      if (owner.queue.length === 0) {
        owner.deploysThisRun = 0;
        owner.passesThisRun = 0;
        owner.reconcileElsewhere = undefined;
        await continueAsNew<typeof environmentWorkflow>(owner);
      }
    }
  }
}

/**
 * An idle owner's history grows by a pass every interval, and an evicted owner
 * replays all of it when its timer fires: without a bound, after days (the
 * server suggests continue-as-new only near 4K events) each wake costs tens of
 * ms. Bounded by its own count, apart from deploys' (a user who renews after
 * every deploy does not mean after every heal). `patched` last, so it is only
 * asked (and marked) when the count is reached; runs from before replay as they ran.
 */
function renewsAfterPasses(owner: OwnerState): boolean {
  return (owner.passesThisRun ?? 0) >= (owner.settings.continueAsNewAfterPasses ?? 50) && patched('owner-renews-after-passes');
}

async function runDeploy(owner: OwnerState, request: QueuedRequest, replyTo: Map<string, string>, ended: Map<string, DeployRecord>): Promise<void> {
  const id = request.spec.deploymentId;
  owner.running = id;
  owner.runningRequest = request;
  // Abandon: a deploy in flight finishes its own saga even if its owner is terminated.
  const options = { workflowId: id, parentClosePolicy: ParentClosePolicy.ABANDON, ...deployStartOptions(request.spec, request.kind) };
  let closed: DeployRecord | undefined;
  try {
    const child =
      request.kind === 'rollback'
        ? await startChild(rollbackWorkflow, { ...options, args: [request.spec as RollbackSpec] })
        : await startChild(deployWorkflow, { ...options, args: [request.spec] });
    child.result().then(
      (result) => void (closed = result),
      (error) => void (closed = recordOfFailure(error, request)),
    );
  } catch (error) {
    closed = recordOfFailure(error, request);
  }
  // Whichever comes first: the outcome signal (notifications still going out) or the child's end.
  await condition(() => closed !== undefined || ended.has(id));
  const record = ended.get(id) ?? closed!;
  ended.delete(id);
  remember(owner, { ...record, image: record.image ?? request.spec.image, requestedBy: record.requestedBy ?? request.spec.requestedBy }, request.spec);
  owner.running = undefined;
  owner.runningRequest = undefined;
  owner.deploysThisRun += 1;
  const waiting = replyTo.get(request.spec.deploymentId);
  if (waiting) {
    replyTo.delete(request.spec.deploymentId);
    await getExternalWorkflowHandle(waiting).signal(stageFinishedSignal, record).catch((error) => log.warn('pipeline not told', { error: String(error) }));
  }
}

function recordOfFailure(error: unknown, request: QueuedRequest): DeployRecord {
  const cause = error instanceof ChildWorkflowFailure ? error.cause : undefined;
  const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as DeployRecord | undefined) : undefined;
  if (!details) log.warn('deploy ended without a record', { deploymentId: request.spec.deploymentId, error: String(error) });
  return details ?? ({ id: request.spec.deploymentId, kind: request.kind, status: 'failed', release: request.spec.deploymentId } as DeployRecord);
}

/** A pipeline whose stage was superseded must not wait for it forever. */
async function tellSuperseded(owner: OwnerState, replyTo: Map<string, string>): Promise<void> {
  for (const { deploymentId, by } of owner.superseded) {
    const waiting = replyTo.get(deploymentId);
    if (!waiting) continue;
    replyTo.delete(deploymentId);
    const record = { id: deploymentId, status: 'superseded', reason: `superseded by ${by}` } as DeployRecord;
    await getExternalWorkflowHandle(waiting).signal(stageFinishedSignal, record).catch(() => undefined);
  }
}

import type { TestWorkflowEnvironment } from '@temporalio/testing';

/**
 * The test server stops skipping time while a child's end is on its way to the
 * parent, and starts again once the parent run took it in. The owner moves on
 * when its deploy signals the outcome, before the deploy closes; if it
 * continued as new by then, the closed run never takes the child's end in and
 * time stops skipping for good (a real server has no such lock). Once the child
 * has closed: if the owner's old run never heard of it, give the lock back.
 */
export async function releaseOrphanedChildLock(env: TestWorkflowEnvironment, ownerId: string, ownerRunId: string, childId: string): Promise<void> {
  const { events } = await env.client.workflow.getHandle(ownerId, ownerRunId).fetchHistory();
  const heard = (events ?? []).some((event) => event.childWorkflowExecutionCompletedEventAttributes?.workflowExecution?.workflowId === childId);
  if (!heard) await env.connection.testService?.unlockTimeSkipping({});
}

import { defineSignal } from '@temporalio/workflow';
import type { DeployRecord } from './types';

/**
 * A deploy tells its owner its outcome as soon as it is recorded, before its
 * notifications are delivered, so the next queued deploy never waits for a
 * slow receiver. Definitions only: both sides import it.
 */
export const deployEndedSignal = defineSignal<[DeployRecord]>('deployEnded');

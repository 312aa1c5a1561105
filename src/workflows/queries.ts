import { defineQuery } from '@temporalio/workflow';
import type { DeployRecord } from './types';

/** The deploy's record: status, steps and outcome so far. */
export const statusQuery = defineQuery<DeployRecord>('status');

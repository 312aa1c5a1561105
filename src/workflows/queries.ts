import { defineQuery } from '@temporalio/workflow';
import type { DeployRecord, PipelineRecord } from './types';

/** The deploy's record: status, steps and outcome so far. */
export const statusQuery = defineQuery<DeployRecord>('status');

/** A pipeline's stages and where it stands. */
export const pipelineQuery = defineQuery<PipelineRecord>('pipeline');

import type { DeployRecord } from '../model/types';
import type { PipelineRecord } from '../model/pipeline-types';
import type { BerthApi } from './api-client';
import { CliError, exitCodes } from './cli-error';
import { followDeploy } from './follow';
import { firstLine, formatEventLine } from './format';
import { required, timeoutMs, waitOptions, type OptionSpecs, type Values } from './options';

export interface Io {
  out: (line: string) => void;
  tty: boolean;
}

export interface Command {
  options: OptionSpecs;
  /** Names of the positional arguments, in order. */
  positionals: string[];
  run(api: BerthApi, values: Values, args: string[], io: Io): Promise<void>;
}

/** Streams the deploy to its end; throws exit code 1 unless it succeeded, 3 at the deadline. */
async function waitForEnd(api: BerthApi, id: string, timeout: number | undefined, io: Io): Promise<void> {
  const end = await followDeploy(api, id, {
    deadline: timeout === undefined ? undefined : Date.now() + timeout,
    onLine: (line) => {
      io.out(formatEventLine(line, io.tty));
      if (line.type === 'step' && line.step === 'approval' && line.status === 'running') {
        io.out(`waiting for approval: berth approve ${id} [--comment ...]  (or berth reject ${id})`);
      }
    },
  });
  if (end.status !== 'succeeded') {
    const step = end.failedStep ? ` in ${end.failedStep}` : '';
    throw new CliError(exitCodes.failed, `${id} ${end.status}${step}${end.reason ? `: ${firstLine(end.reason)}` : ''}`);
  }
  io.out(`${id} succeeded`);
}

/** Without --wait: print the id (for scripts). With it: follow to the end. */
async function started(api: BerthApi, answer: { id: string; status: string }, values: Values, io: Io): Promise<void> {
  const waiting = values.wait === true;
  if (!waiting) return io.out(answer.id);
  io.out(`${answer.id} ${answer.status}`);
  await waitForEnd(api, answer.id, timeoutMs(values, true), io);
}

const decide = (decision: 'approve' | 'reject'): Command => ({
  options: { comment: { type: 'string' } },
  positionals: ['id'],
  async run(api, values, [id], io) {
    const body = values.comment === undefined ? {} : { comment: values.comment };
    const answer = await api.call<{ approval: { status: string; by?: string } }>('POST', `/v1/deployments/${encodeURIComponent(id)}/${decision}`, body);
    io.out(`${id} ${answer.approval.status}${answer.approval.by ? ` by ${answer.approval.by}` : ''}`);
  },
});

function describe(record: DeployRecord | PipelineRecord): string[] {
  const lines = [`id       ${record.id}`, `status   ${record.status}`, `image    ${record.image}`];
  if (record.digest) lines.push(`digest   ${record.digest}`);
  if (record.reason) lines.push(`reason   ${firstLine(record.reason)}`);
  if (record.kind === 'pipeline') return [...lines, ...record.stages.map((s) => `  ${s.environment.padEnd(12)} ${s.status.padEnd(18)} ${s.deploymentId}`)];
  lines.splice(1, 0, `target   ${record.project}/${record.environment} (${record.kind})`);
  for (const step of record.steps) {
    const seconds = step.finishedAt ? `${((Date.parse(step.finishedAt) - Date.parse(step.startedAt)) / 1000).toFixed(1)}s` : '';
    lines.push(`  ${step.name.padEnd(12)} ${step.status.padEnd(10)} ${seconds}`);
  }
  return lines;
}

export const commands: Record<string, Command> = {
  deploy: {
    options: { project: { type: 'string' }, environment: { type: 'string' }, tag: { type: 'string' }, image: { type: 'string' }, commit: { type: 'string' }, 'commit-time': { type: 'string' }, 'idempotency-key': { type: 'string' }, ...waitOptions },
    positionals: [],
    async run(api, values, _args, io) {
      timeoutMs(values, values.wait === true);
      if ((values.tag === undefined) === (values.image === undefined)) throw new CliError(exitCodes.usage, 'give exactly one of --tag or --image');
      const body = {
        project: required(values, 'project'),
        environment: required(values, 'environment'),
        ...(values.tag !== undefined && { tag: values.tag }),
        ...(values.image !== undefined && { image: values.image }),
        ...(values.commit !== undefined && { commit: values.commit }),
        ...(values['commit-time'] !== undefined && { commitTime: values['commit-time'] }),
        ...(values['idempotency-key'] !== undefined && { idempotencyKey: values['idempotency-key'] }),
      };
      await started(api, await api.call('POST', '/v1/deployments', body), values, io);
    },
  },
  rollback: {
    options: { project: { type: 'string' }, environment: { type: 'string' }, release: { type: 'string' }, ...waitOptions },
    positionals: [],
    async run(api, values, _args, io) {
      timeoutMs(values, values.wait === true);
      const path = `/v1/projects/${encodeURIComponent(required(values, 'project'))}/environments/${encodeURIComponent(required(values, 'environment'))}/rollback`;
      await started(api, await api.call('POST', path, values.release === undefined ? {} : { release: values.release }), values, io);
    },
  },
  approve: decide('approve'),
  reject: decide('reject'),
  status: {
    options: { json: { type: 'boolean' } },
    positionals: ['id'],
    async run(api, values, [id], io) {
      const record = await api.call<DeployRecord | PipelineRecord>('GET', `/v1/deployments/${encodeURIComponent(id)}`);
      for (const line of values.json ? [JSON.stringify(record, null, 2)] : describe(record)) io.out(line);
    },
  },
  wait: {
    options: { timeout: { type: 'string' } },
    positionals: ['id'],
    run: (api, values, [id], io) => waitForEnd(api, id, timeoutMs(values, true), io),
  },
  cancel: {
    options: {},
    positionals: ['id'],
    async run(api, _values, [id], io) {
      const answer = await api.call<{ status: string }>('POST', `/v1/deployments/${encodeURIComponent(id)}/cancel`);
      io.out(`${id} ${answer.status}`);
    },
  },
};

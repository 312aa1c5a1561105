import { setTimeout as sleep } from 'node:timers/promises';
import type { DeployEventLine } from '../model/types';
import type { BerthApi } from './api-client';
import { CliError, exitCodes } from './cli-error';
import { readSse } from './sse';

/** What `event: end` says. */
export interface DeployEnd {
  status: string;
  reason?: string;
  failedStep?: string;
}

export interface FollowOptions {
  /** Epoch ms after which waiting stops with exit code 3. */
  deadline?: number;
  onLine: (line: DeployEventLine) => void;
  /** Reconnects after a dropped stream, resuming after the last event seen. */
  maxReconnects?: number;
}

/** Follows a deploy's event stream to its end, reconnecting with Last-Event-ID when the connection drops. */
export async function followDeploy(api: BerthApi, id: string, options: FollowOptions): Promise<DeployEnd> {
  let lastEventId = 0;
  let failures = 0;
  const timedOut = () => options.deadline !== undefined && Date.now() >= options.deadline;
  for (;;) {
    const signal = options.deadline === undefined ? undefined : AbortSignal.timeout(Math.max(1, options.deadline - Date.now()));
    let problem: unknown;
    const connectedAt = Date.now();
    try {
      const response = await api.events(id, lastEventId, signal);
      for await (const message of readSse(response.body as unknown as AsyncIterable<Uint8Array>)) {
        if (message.event === 'end') return JSON.parse(message.data) as DeployEnd;
        const line = JSON.parse(message.data) as DeployEventLine;
        lastEventId = line.id;
        failures = 0;
        options.onLine(line);
      }
      problem = new Error('the stream closed before the deploy ended');
    } catch (error) {
      problem = error;
    }
    if (timedOut()) break;
    if (problem instanceof CliError && problem.exitCode === exitCodes.usage) throw problem;
    // A long quiet wait (for approval) may be cut by a proxy now and then; that is no failure streak.
    if (Date.now() - connectedAt > 60_000) failures = 0;
    if (++failures > (options.maxReconnects ?? 5)) {
      throw problem instanceof CliError ? problem : new CliError(exitCodes.failed, `lost the event stream of ${id}: ${(problem as Error).message}`);
    }
    const remaining = options.deadline === undefined ? Infinity : options.deadline - Date.now();
    await sleep(Math.max(0, Math.min(1000 * failures, remaining)));
    if (timedOut()) break;
  }
  throw new CliError(exitCodes.timeout, `gave up waiting: ${id} has not finished (\`berth wait ${id}\` to keep watching, \`berth cancel ${id}\` to stop it)`);
}

import { portOfUpstream } from '../docker/container-spec';
import { markerValue } from '../proxy/driver';
import type { DeploySpec } from '../model/types';
import { fetchAnswer, type ProbeAnswer } from './http-probe';
import type { HostDeps } from './host-deps';

export class SwitchNotVisibleError extends Error {}

export interface VerifyOptions {
  /** A restore puts back a release that may itself be unwell; then only the route must be live. */
  requireHealthy: boolean;
  timeoutMs?: number;
  intervalMs?: number;
}

/** What the check reads of a deploy: the hostname, and the path and timeout that gate it. A deploy's spec is one. */
export interface ProbedName {
  hostname: string;
  health: Pick<DeploySpec['health'], 'path' | 'readyPath' | 'timeoutMs'>;
}

const loopbackUpstream = /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost):\d+$/;

/** A marker that names one upstream per answer shows the switch only over several answers in a row. */
const answersInARow = 3;

/**
 * A reload returns before it takes effect, so after a switch Berth asks the
 * proxy itself, with the environment's Host header, until the answer comes
 * from the new upstreams: the driver's marker header names them, or, for a
 * proxy without one, the answer equals what the upstream says directly.
 */
export async function verifyThroughProxy(deps: HostDeps, spec: ProbedName, upstreams: string[], options: VerifyOptions): Promise<{ attempts: number }> {
  const timeoutMs = options.timeoutMs ?? Math.max(10_000, spec.health.timeoutMs * 3);
  const answeredBy = deps.proxy.answeredBy;
  // A per-answer marker comes with a switch that shows within a short DNS refresh, not a reload: look more often.
  const intervalMs = options.intervalMs ?? (answeredBy ? 20 : 100);
  // The path that gated the switch: readiness when set, since liveness may legitimately differ.
  const path = spec.health.readyPath ?? spec.health.path;
  const marker = deps.proxy.markerHeader?.toLowerCase();
  let direct: ProbeAnswer | undefined;
  if (!marker && upstreams.every((upstream) => loopbackUpstream.test(upstream) || portOfUpstream(upstream, deps.address) !== undefined)) {
    const answer = await fetchAnswer({ url: `http://${upstreams[0]}${path}`, timeoutMs: spec.health.timeoutMs });
    if ('status' in answer) direct = answer;
  }
  const deadline = Date.now() + timeoutMs;
  let attempts = 0;
  let inARow = 0;
  for (;;) {
    attempts += 1;
    const answer = await fetchAnswer({ url: `http://${deps.proxy.listen}${path}`, hostHeader: spec.hostname, timeoutMs: spec.health.timeoutMs });
    const last = 'problem' in answer ? answer.problem : judge(answer, { marker, answeredBy, upstreams, direct, requireHealthy: options.requireHealthy });
    inARow = last === '' ? inARow + 1 : 0;
    // Per-answer markers: the next answers follow at once, and one from elsewhere starts the count again.
    if (inARow >= (answeredBy ? answersInARow : 1)) return { attempts };
    if (last === '') continue;
    if (Date.now() >= deadline) {
      throw new SwitchNotVisibleError(
        `the proxy at ${deps.proxy.listen} did not serve ${spec.hostname} from ${markerValue(upstreams)} within ${timeoutMs}ms (${attempts} probes); last: ${last}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** '' when the answer shows the new upstreams serve; else what was wrong with it. */
function judge(
  answer: ProbeAnswer,
  expect: { marker?: string; answeredBy?: (marker: string) => string; upstreams: string[]; direct?: ProbeAnswer; requireHealthy: boolean },
): string {
  if (expect.requireHealthy && answer.status >= 400) return `HTTP ${answer.status}`;
  if (expect.marker) {
    const seen = String(answer.headers[expect.marker] ?? '');
    if (expect.answeredBy) {
      // A route the driver had to write statically still names its whole list; each must be expected.
      const named = seen.split(', ').filter(Boolean).map(expect.answeredBy);
      return named.length > 0 && named.every((upstream) => expect.upstreams.includes(upstream)) ? '' : `answered by ${seen || 'a route without Berth\'s marker'}`;
    }
    return seen === markerValue(expect.upstreams) ? '' : `answered by ${seen || 'a route without Berth\'s marker'}`;
  }
  if (expect.direct && (answer.status !== expect.direct.status || answer.body !== expect.direct.body)) {
    return `HTTP ${answer.status} "${answer.body.slice(0, 60)}" differs from the release's own answer`;
  }
  return '';
}

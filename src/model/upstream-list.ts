/**
 * A release with replicas has several upstreams, but records, the owner's
 * state and activity arguments carry one string: the list, comma-separated.
 * A single upstream is its own list, so one-container releases look as before.
 */
export function joinUpstreams(upstreams: readonly string[]): string {
  return upstreams.join(',');
}

export function splitUpstreams(upstream: string): string[] {
  return upstream.split(',').filter(Boolean);
}

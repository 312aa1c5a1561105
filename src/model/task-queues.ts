/** Host-bound activities run on a queue per Docker host, so one cluster can drive several hosts. */
export function hostTaskQueue(host: string): string {
  return `berth-host-${host}`;
}

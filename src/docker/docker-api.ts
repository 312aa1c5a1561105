/** What docker-modem attaches to a failed Docker API call. */
interface DockerHttpError {
  statusCode?: number;
  json?: { message?: string } | null;
  message?: string;
}

/** The HTTP status of a failed Docker API call; undefined for socket-level failures. */
export function statusOf(error: unknown): number | undefined {
  return (error as DockerHttpError | undefined)?.statusCode;
}

/** The daemon's own message, without docker-modem's `(HTTP code 404) unexpected - ` prefix. */
export function messageOf(error: unknown): string {
  const e = error as DockerHttpError | undefined;
  const message = e?.json?.message ?? e?.message ?? String(error);
  return message.replace(/^\(HTTP code \d+\) .*? - /, '').trim();
}

/** The 12-character id `docker ps` shows for a full id; a container name passes through. */
export function shortId(idOrName: string): string {
  return /^[0-9a-f]{64}$/.test(idOrName) ? idOrName.slice(0, 12) : idOrName;
}

/** Log fields naming a container: its short id, or its name when that is all the caller has. */
export function containerFields(idOrName: string): { containerId: string } | { container: string } {
  return /^[0-9a-f]{12,64}$/.test(idOrName) ? { containerId: shortId(idOrName) } : { container: idOrName };
}

/** Swallows the Docker statuses a caller expects (returning undefined); rethrows anything else. */
export function benign(error: unknown, statuses: number[]): undefined {
  if (statuses.includes(statusOf(error) ?? -1)) return undefined;
  throw error;
}

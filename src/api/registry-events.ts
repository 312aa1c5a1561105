/** One image push a registry told Berth about, whoever the sender. */
export interface PushEvent {
  /** `registry-host/path` as a reference names it, without tag: `127.0.0.1:5001/team/web`, `ghcr.io/octo/app`. */
  repository: string;
  tag: string;
  /** The manifest digest; Docker Hub's payload carries none, so the pull pins it. */
  digest?: string;
}

export type Sender = 'distribution' | 'dockerhub' | 'github';

type Json = Record<string, unknown>;
const object = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/** Pure: which registry sent this request, from its headers and the shape of its body. */
export function senderOf(headers: { githubEvent?: string; contentType?: string }, body: unknown): Sender | undefined {
  if (headers.githubEvent !== undefined) return 'github';
  if (headers.contentType?.startsWith('application/vnd.docker.distribution.events.v1+json') || Array.isArray(object(body).events)) return 'distribution';
  if ('push_data' in object(body)) return 'dockerhub';
  return undefined;
}

/**
 * Pure: the CNCF Distribution notification envelope. Only `push` events of a
 * tagged manifest count: blob pushes, pushes by digest and pulls say nothing
 * about a tag moving.
 */
export function distributionPushes(body: unknown): PushEvent[] {
  const events = object(body).events;
  if (!Array.isArray(events)) return [];
  const pushes: PushEvent[] = [];
  for (const raw of events) {
    const event = object(raw);
    const target = object(event.target);
    const host = text(object(event.request).host);
    const [repository, tag, digest] = [text(target.repository), text(target.tag), text(target.digest)];
    if (event.action !== 'push' || !repository || !tag || !digest) continue;
    pushes.push({ repository: host ? `${host}/${repository}` : repository, tag, digest });
  }
  return pushes;
}

/** Pure: Docker Hub's webhook (`push_data.tag`, `repository.repo_name`); Hub sends no digest. */
export function dockerHubPushes(body: unknown): PushEvent[] {
  const tag = text(object(object(body).push_data).tag);
  const repository = text(object(object(body).repository).repo_name);
  return tag && repository ? [{ repository: `docker.io/${repository}`, tag }] : [];
}

/** Pure: GitHub's `package` event for a container published to GHCR with a tag. */
export function githubPushes(event: string | undefined, body: unknown): PushEvent[] {
  const pkg = object(object(body).package);
  const version = object(pkg.package_version);
  const tag = object(object(version.container_metadata).tag);
  const [name, owner] = [text(pkg.name), text(pkg.namespace) ?? text(object(pkg.owner).login)];
  const [tagName, digest] = [text(tag.name), text(tag.digest) ?? text(version.name)];
  const ecosystem = String(pkg.package_type ?? pkg.ecosystem ?? '').toLowerCase();
  if (event !== 'package' || object(body).action !== 'published' || ecosystem !== 'container') return [];
  if (!name || !owner || !tagName || !digest?.startsWith('sha256:')) return [];
  const host = registryHostOf(text(object(pkg.registry).url)) ?? 'ghcr.io';
  return [{ repository: `${host}/${owner}/${name}`.toLowerCase(), tag: tagName, digest }];
}

function registryHostOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).host : undefined;
  } catch {
    return undefined;
  }
}

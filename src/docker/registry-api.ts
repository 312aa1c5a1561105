import { createHash } from 'node:crypto';
import { ImageNotFoundError, RegistryAuthError } from '../model/errors';

/** What a manifest HEAD accepts: multi-arch indexes first, so the digest is the one `docker pull` pins. */
export const manifestAccept = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
].join(', ');

/** Pure: Docker talks plain HTTP to a registry on loopback and HTTPS to every other one; so does Berth. */
export function registryBaseUrl(registry: string): string {
  const host = registry === 'docker.io' ? 'registry-1.docker.io' : registry;
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);
  return `${loopback ? 'http' : 'https'}://${host}`;
}

/** Pure: the `rel="next"` target of a Link header, resolved against the registry, or undefined on the last page. */
export function nextPageUrl(link: string | null, base: string): string | undefined {
  const match = link && /<([^>]+)>\s*;\s*rel="?next"?/.exec(link);
  return match ? new URL(match[1], base).toString() : undefined;
}

/** Pure: a `WWW-Authenticate` challenge: its scheme and parameters (`realm`, `service`, `scope`). */
export function parseChallenge(header: string | null): { scheme: string; params: Record<string, string> } | undefined {
  const match = header && /^(\w+)\s*(.*)$/.exec(header.trim());
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const [, key, quoted, bare] of match[2].matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) params[key] = quoted ?? bare;
  return { scheme: match[1].toLowerCase(), params };
}

export interface RegistryCredential {
  username: string;
  password: string;
}

/** Bounds a walk through a registry's tag pages: 100 pages of 1000 tags. */
const maxPages = 100;
const requestTimeoutMs = 10_000;

/**
 * The two reads the poller needs from a registry (HTTP API v2): a tag's
 * manifest digest and the tag list. It answers a 401 challenge once, with
 * Basic credentials or a Bearer token from the named realm, as Docker does.
 */
export class RegistryApi {
  private authorization?: string;

  constructor(
    private readonly registry: string,
    private readonly credential?: RegistryCredential,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  /** The digest `name:tag` points at now, or undefined when the tag does not exist (not pushed yet). */
  async digestOf(name: string, tag: string): Promise<string | undefined> {
    const url = `${registryBaseUrl(this.registry)}/v2/${name}/manifests/${encodeURIComponent(tag)}`;
    const head = await this.request(url, 'HEAD', name, { accept: manifestAccept });
    if (head.status === 404) return undefined;
    this.check(head, `${name}:${tag}`);
    const digest = head.headers.get('docker-content-digest');
    if (digest) return digest;
    // A registry may leave the header off a HEAD; the digest of the manifest bytes is the same thing.
    const get = await this.request(url, 'GET', name, { accept: manifestAccept });
    this.check(get, `${name}:${tag}`);
    return get.headers.get('docker-content-digest') ?? `sha256:${createHash('sha256').update(Buffer.from(await get.arrayBuffer())).digest('hex')}`;
  }

  /** Every tag of `name`, following the `Link` pages; [] for a repository with none. */
  async tags(name: string): Promise<string[]> {
    const base = registryBaseUrl(this.registry);
    const tags: string[] = [];
    let url: string | undefined = `${base}/v2/${name}/tags/list?n=1000`;
    for (let page = 0; url && page < maxPages; page++) {
      const response = await this.request(url, 'GET', name, { accept: 'application/json' });
      if (response.status === 404) return [];
      this.check(response, name);
      tags.push(...(((await response.json()) as { tags?: string[] | null }).tags ?? []));
      url = nextPageUrl(response.headers.get('link'), base);
    }
    return tags;
  }

  private async request(url: string, method: string, name: string, headers: Record<string, string>): Promise<Response> {
    const send = () => this.fetchFn(url, { method, headers: { ...headers, ...(this.authorization && { authorization: this.authorization }) }, signal: AbortSignal.timeout(requestTimeoutMs) });
    const response = await send();
    if (response.status !== 401 || this.authorization) return response;
    const challenge = parseChallenge(response.headers.get('www-authenticate'));
    if (challenge?.scheme === 'basic' && this.credential) this.authorization = `Basic ${this.basic()}`;
    else if (challenge?.scheme === 'bearer' && challenge.params.realm) this.authorization = `Bearer ${await this.token(challenge.params, name)}`;
    else return response;
    return send();
  }

  /** A pull-scoped token from the realm the registry named, with the credentials when there are any. */
  private async token(params: Record<string, string>, name: string): Promise<string> {
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', params.scope ?? `repository:${name}:pull`);
    const response = await this.fetchFn(url, { headers: this.credential ? { authorization: `Basic ${this.basic()}` } : {}, signal: AbortSignal.timeout(requestTimeoutMs) });
    if (response.status === 401 || response.status === 403) throw new RegistryAuthError(`${this.registry}/${name}`, `token endpoint answered ${response.status}`);
    if (!response.ok) throw new Error(`the token endpoint of ${this.registry} answered ${response.status}`);
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new Error(`the token endpoint of ${this.registry} answered no token`);
    return token;
  }

  private basic(): string {
    return Buffer.from(`${this.credential!.username}:${this.credential!.password}`).toString('base64');
  }

  /** 401/403 will not mend by retrying, and a missing repository is named as such; anything else may be passing. */
  private check(response: Response, what: string): void {
    if (response.ok) return;
    if (response.status === 401 || response.status === 403) throw new RegistryAuthError(`${this.registry}/${what}`, `${response.status} ${response.statusText}`);
    if (response.status === 404) throw new ImageNotFoundError(`${this.registry}/${what}`, 'the registry does not know it');
    throw new Error(`the registry ${this.registry} answered ${response.status} for ${what}`);
  }
}

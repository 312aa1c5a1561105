import { InvalidReferenceError } from './errors';

/** A parsed image reference, following the grammar of distribution/reference. */
export interface ImageRef {
  /** Registry host with optional port; `docker.io` when the reference names none. */
  registry: string;
  /** Repository path inside the registry, with Docker Hub's implicit `library/`. */
  path: string;
  /** The repository as written, without tag or digest: what `withTag` and pinning build on. */
  repository: string;
  tag?: string;
  digest?: string;
}

export const defaultRegistry = 'docker.io';

const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const hostComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const host = new RegExp(`^(?:${hostComponent}(?:\\.${hostComponent})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const tagPattern = /^[\w][\w.-]{0,127}$/;
const digestPattern = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;
const maxNameLength = 255;

/**
 * A first component is a registry host only if it looks like one; otherwise
 * `team/app` would send pulls to a host called `team`.
 */
function looksLikeHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost' || component !== component.toLowerCase();
}

/** Pure: parses and validates; throws InvalidReferenceError naming what is wrong. */
export function parseImageRef(ref: string): ImageRef {
  const fail = (detail: string): never => {
    throw new InvalidReferenceError(ref, detail);
  };
  if (ref.trim() !== ref || ref === '') fail('it is empty or has surrounding whitespace');
  const [withoutDigest, digest, ...extra] = ref.split('@');
  if (extra.length > 0) fail('it has more than one "@"');
  if (digest !== undefined && !digestPattern.test(digest)) fail(`"${digest}" is not a digest`);
  if (digest?.startsWith('sha256:') && digest.length !== 'sha256:'.length + 64) fail('a sha256 digest has 64 hex digits');

  const lastSlash = withoutDigest.lastIndexOf('/');
  const lastColon = withoutDigest.lastIndexOf(':');
  const hasTag = lastColon > lastSlash;
  const repository = hasTag ? withoutDigest.slice(0, lastColon) : withoutDigest;
  const tag = hasTag ? withoutDigest.slice(lastColon + 1) : undefined;
  if (tag !== undefined && !tagPattern.test(tag)) fail(`"${tag}" is not a valid tag`);

  const firstSlash = repository.indexOf('/');
  const first = firstSlash === -1 ? '' : repository.slice(0, firstSlash);
  const explicitHost = firstSlash !== -1 && looksLikeHost(first);
  if (explicitHost && !host.test(first)) fail(`"${first}" is not a valid registry host`);
  const registry = explicitHost ? first : defaultRegistry;
  const name = explicitHost ? repository.slice(firstSlash + 1) : repository;
  if (name === '') fail('it names no repository');
  if (repository.length > maxNameLength) fail(`the repository name is longer than ${maxNameLength} characters`);
  for (const component of name.split('/')) {
    if (!pathComponent.test(component)) fail(`"${component}" is not a valid repository path component (lowercase letters, digits, separators)`);
  }
  const path = registry === defaultRegistry && !name.includes('/') ? `library/${name}` : name;
  return { registry, path, repository, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

/** `docker.io/library/nginx` and `nginx` are one repository; compare them in this form. */
export function canonicalRepository(ref: string): string {
  const { registry, path } = parseImageRef(ref);
  return `${registry}/${path}`;
}

/** Pure: `repository:tag`, replacing any tag or digest the repository carried. */
export function withTag(repository: string, tag: string): string {
  const parsed = parseImageRef(repository);
  const ref = `${parsed.repository}:${tag}`;
  if (!tagPattern.test(tag)) throw new InvalidReferenceError(ref, `"${tag}" is not a valid tag`);
  return ref;
}

/** The registry host whose credentials a pull of `ref` needs. */
export function registryHost(ref: string): string {
  return parseImageRef(ref).registry;
}

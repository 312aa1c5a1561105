import { canonicalRepository, parseImageRef, registryHost, withTag } from '../../src/model/image-ref';
import { InvalidReferenceError } from '../../src/model/errors';

const digest = 'sha256:' + '0123456789abcdef'.repeat(4);

describe('image references', () => {
  it('parses a local registry with a port, a path and a tag', () => {
    expect(parseImageRef('127.0.0.1:5000/fixture/web:v1')).toEqual({
      registry: '127.0.0.1:5000',
      path: 'fixture/web',
      repository: '127.0.0.1:5000/fixture/web',
      tag: 'v1',
    });
  });

  it('parses a registry port without a tag', () => {
    expect(parseImageRef('127.0.0.1:5000/fixture/web')).toEqual({
      registry: '127.0.0.1:5000',
      path: 'fixture/web',
      repository: '127.0.0.1:5000/fixture/web',
    });
  });

  it('parses tag and digest together', () => {
    expect(parseImageRef(`ghcr.io/acme/api:1.2.3@${digest}`)).toEqual({
      registry: 'ghcr.io',
      path: 'acme/api',
      repository: 'ghcr.io/acme/api',
      tag: '1.2.3',
      digest,
    });
  });

  it('defaults to Docker Hub and its library namespace', () => {
    expect(parseImageRef('nginx')).toEqual({ registry: 'docker.io', path: 'library/nginx', repository: 'nginx' });
    expect(parseImageRef('acme/api:latest')).toEqual({ registry: 'docker.io', path: 'acme/api', repository: 'acme/api', tag: 'latest' });
    expect(parseImageRef('localhost/api')).toEqual({ registry: 'localhost', path: 'api', repository: 'localhost/api' });
    expect(parseImageRef('[::1]:5000/api:v2')).toEqual({ registry: '[::1]:5000', path: 'api', repository: '[::1]:5000/api', tag: 'v2' });
  });

  it('compares repositories in canonical form', () => {
    expect(canonicalRepository('nginx:1.25')).toBe('docker.io/library/nginx');
    expect(canonicalRepository('docker.io/library/nginx')).toBe('docker.io/library/nginx');
    expect(canonicalRepository(`127.0.0.1:5000/fixture/web@${digest}`)).toBe('127.0.0.1:5000/fixture/web');
  });

  it('names the registry whose credentials a pull needs', () => {
    expect(registryHost('127.0.0.1:5000/fixture/web:v1')).toBe('127.0.0.1:5000');
    expect(registryHost('registry.example.com/team/app')).toBe('registry.example.com');
    expect(registryHost('team/app:v1')).toBe('docker.io');
  });

  it('builds repo:tag, replacing a tag or digest already present', () => {
    expect(withTag('127.0.0.1:5000/fixture/web', 'v2')).toBe('127.0.0.1:5000/fixture/web:v2');
    expect(withTag('127.0.0.1:5000/fixture/web:v1', 'v2')).toBe('127.0.0.1:5000/fixture/web:v2');
    expect(withTag(`acme/api@${digest}`, 'latest')).toBe('acme/api:latest');
    expect(() => withTag('acme/api', 'bad tag')).toThrow(InvalidReferenceError);
  });

  it.each([
    ['', 'empty'],
    [' nginx', 'whitespace'],
    ['Nginx/App', 'not a valid repository path component'],
    ['acme/API', 'not a valid repository path component'],
    ['acme//api', 'not a valid repository path component'],
    ['acme/api:', 'is not a valid tag'],
    ['acme/api:-x', 'is not a valid tag'],
    ['acme/api@sha256:' + 'a'.repeat(40), 'a sha256 digest has 64 hex digits'],
    ['acme/api@sha256:abc', 'is not a digest'],
    ['acme/api@latest', 'is not a digest'],
    [`acme/api@${digest}@${digest}`, 'more than one "@"'],
    ['bad_host:5000/api', 'is not a valid registry host'],
    ['127.0.0.1:5000/', 'names no repository'],
    ['a/' + 'b'.repeat(260), 'longer than 255'],
  ])('rejects %j (%s)', (ref, detail) => {
    expect(() => parseImageRef(ref)).toThrow(InvalidReferenceError);
    expect(() => parseImageRef(ref)).toThrow(detail);
  });
});

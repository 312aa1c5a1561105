import type Dockerode from 'dockerode';
import { classifyPullError } from '../../src/docker/image-client';
import { demultiplexLogs } from '../../src/docker/log-stream';
import { toReleases } from '../../src/docker/release-list';
import { ImageNotFoundError, InvalidReferenceError, PermanentError, RegistryAuthError } from '../../src/model/errors';

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

function row(id: string, created: number, labels: Record<string, string>, state = 'running'): Dockerode.ContainerInfo {
  return { Id: id, Names: [`/berth-${labels['berth.release']}`], Image: 'sha256:x', Created: created, State: state, Labels: labels } as Dockerode.ContainerInfo;
}

describe('demultiplexLogs', () => {
  it('joins stdout and stderr frames in the order they were written', () => {
    const body = Buffer.concat([frame(1, 'listening\n'), frame(2, 'panic: boom\n'), frame(1, 'bye\n')]);
    expect(demultiplexLogs(body)).toBe('listening\npanic: boom\nbye\n');
  });

  it('passes a TTY log through and reads an empty one', () => {
    expect(demultiplexLogs(Buffer.from('plain tty output\n'))).toBe('plain tty output\n');
    expect(demultiplexLogs(Buffer.alloc(0))).toBe('');
  });
});

describe('toReleases', () => {
  const labelsOf = (release: string, port?: number) => ({
    'berth.managed': 'true',
    'berth.project': 'web',
    'berth.environment': 'staging',
    'berth.release': release,
    'berth.image': '127.0.0.1:5000/fixture/web:v1',
    'berth.digest': 'sha256:d',
    ...(port !== undefined && { 'berth.port': String(port) }),
  });

  it('builds releases from labels, newest first, release id breaking ties', () => {
    const rows = [row('a', 100, labelsOf('r1', 21000), 'exited'), row('c', 200, labelsOf('r2')), row('b', 200, labelsOf('r3', 21002))];
    expect(toReleases(rows)).toEqual([
      { id: 'b', name: 'berth-r3', release: 'r3', image: '127.0.0.1:5000/fixture/web:v1', digest: 'sha256:d', port: 21002, running: true, createdAt: '1970-01-01T00:03:20.000Z' },
      { id: 'c', name: 'berth-r2', release: 'r2', image: '127.0.0.1:5000/fixture/web:v1', digest: 'sha256:d', running: true, createdAt: '1970-01-01T00:03:20.000Z' },
      { id: 'a', name: 'berth-r1', release: 'r1', image: '127.0.0.1:5000/fixture/web:v1', digest: 'sha256:d', port: 21000, running: false, createdAt: '1970-01-01T00:01:40.000Z' },
    ]);
  });
});

describe('classifyPullError', () => {
  const ref = '127.0.0.1:5000/fixture/web:nope';

  it('maps an unknown tag or repository to ImageNotFoundError', () => {
    expect(classifyPullError(ref, 'manifest for 127.0.0.1:5000/fixture/web:nope not found: manifest unknown: manifest unknown', 404)).toBeInstanceOf(ImageNotFoundError);
    expect(classifyPullError(ref, 'manifest unknown: manifest unknown')).toBeInstanceOf(ImageNotFoundError);
  });

  it('maps refused credentials to RegistryAuthError', () => {
    expect(classifyPullError(ref, 'Head "http://127.0.0.1:5000/v2/fixture/web/manifests/v1": unauthorized: authentication required', 500)).toBeInstanceOf(RegistryAuthError);
    expect(classifyPullError(ref, "pull access denied for fixture/web, repository does not exist or may require 'docker login'")).toBeInstanceOf(RegistryAuthError);
    expect(classifyPullError(ref, 'denied: requested access to the resource is denied')).toBeInstanceOf(RegistryAuthError);
  });

  it('maps a malformed reference to InvalidReferenceError', () => {
    expect(classifyPullError(ref, 'invalid reference format', 400)).toBeInstanceOf(InvalidReferenceError);
  });

  it('leaves an unreachable registry or a daemon failure transient', () => {
    const error = classifyPullError(ref, 'Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused', 500);
    expect(error).not.toBeInstanceOf(PermanentError);
    expect(error.message).toBe(`pulling ${ref} failed: Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused`);
    // A local disk problem is the daemon's, not the registry's, however it is worded.
    expect(classifyPullError(ref, 'open /var/lib/docker/tmp/x: permission denied', 500)).not.toBeInstanceOf(PermanentError);
  });
});

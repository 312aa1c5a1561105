import Dockerode from 'dockerode';

/**
 * A Dockerode for one Docker endpoint as written in the config:
 * `unix:///var/run/docker.sock`, `tcp://host:2375` or `http://host:2375`.
 * `tcp://` means plain HTTP, as it does for the docker CLI without TLS flags.
 */
export function dockerFor(endpoint: string): Dockerode {
  if (endpoint.startsWith('unix://')) {
    const socketPath = endpoint.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw new Error(`docker endpoint ${endpoint}: should be unix:///absolute/path`);
    return new Dockerode({ socketPath });
  }
  const match = /^(tcp|http):\/\/([^/:]+|\[[^\]]+\]):(\d+)\/?$/.exec(endpoint);
  if (!match) throw new Error(`docker endpoint ${endpoint}: should be unix:///path, tcp://host:port or http://host:port`);
  const [, , host, port] = match;
  return new Dockerode({ protocol: 'http', host: host.replace(/^\[(.*)\]$/, '$1'), port: Number(port) });
}

import { parseConfig } from '../../src/config/load-config';
import { demoImportChanges } from '../../src/embedded/demo-images';
import { localRegistries } from '../../src/embedded/start-embedded';
import { environmentsOn } from '../../src/worker/event-watchers';

const project = (image: string, host = 'local') => ({
  image,
  health: { path: '/health' },
  environments: { staging: { host, hostname: 'a.localhost' } },
});
const config = (projects: Record<string, unknown>) =>
  parseConfig({
    api: { tokens: [{ name: 'ci', secret: 'env:T', scopes: ['deploy'] }] },
    hosts: { local: { docker: 'unix:///var/run/docker.sock', ports: '21000-21999' }, other: { docker: 'tcp://10.0.0.2:2375', ports: '21000-21999' } },
    projects,
  });

describe('what npm start runs for the images', () => {
  it('runs a registry for images on loopback only, and builds the demo app where it is deployed from', () => {
    const registries = localRegistries(
      config({
        web: project('127.0.0.1:5000/fixture/web'),
        api: project('127.0.0.1:5000/team/api'),
        other: project('localhost:5001/team/other'),
        remote: project('registry.example.com/team/remote'),
        hub: project('nginx'),
      }),
    );
    expect(registries).toEqual([
      { address: '127.0.0.1:5000', demo: true },
      { address: 'localhost:5001', demo: false },
    ]);
  });

  it('imports each demo variant with its environment and the hash that marks it current', () => {
    expect(demoImportChanges({ VERSION: 'v2', FIXTURE_MODE: 'healthy' }, 'abc')).toEqual([
      'CMD ["/app/start"]',
      'ENV PATH=/bin',
      'ENV VERSION=v2',
      'ENV FIXTURE_MODE=healthy',
      'LABEL fixture.hash=abc',
    ]);
  });
});

describe('which environments a host watches', () => {
  it('lists the environments whose releases run on the host', () => {
    const watched = environmentsOn(config({ web: project('127.0.0.1:5000/fixture/web'), api: project('127.0.0.1:5000/team/api', 'other') }), 'local');
    expect([...watched.keys()]).toEqual(['web/staging']);
  });
});

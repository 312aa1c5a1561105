import type { BerthConfig } from '../../src/config/schema';
import type { DeploymentService } from '../../src/api/deployment-service';
import { MetricsSource } from '../../src/api/metrics-source';
import type { DeploySummary } from '../../src/api/visibility';

/** Visibility holding `deploys`: counts answer a pair's query (or the whole scope), listings return them all. */
function fakeVisibility(deploys: DeploySummary[]) {
  const asked: string[] = [];
  const service = {
    async count(query: string) {
      asked.push(query);
      const pair = /BerthProject = "([^"]+)" AND BerthEnvironment = "([^"]+)" AND BerthStatus = "([^"]+)"/.exec(query);
      return pair ? deploys.filter((d) => d.project === pair[1] && d.environment === pair[2] && d.status === pair[3]).length : deploys.length;
    },
    // The finished-deploys listing for the DORA figures asks for closed ones; none here are.
    async listAll(query: string) {
      return query.includes('CloseTime') ? [] : deploys;
    },
  };
  return { service: service as unknown as DeploymentService, asked };
}

const config = { projects: { web: { environments: { staging: {}, production: {} } }, api: { environments: { staging: {} } } } } as unknown as BerthConfig;
const deploys: DeploySummary[] = [
  { id: 'a', kind: 'deploy', project: 'web', environment: 'staging', status: 'running' },
  { id: 'b', kind: 'deploy', project: 'web', environment: 'staging', status: 'awaiting_approval' },
  { id: 'c', kind: 'rollback', project: 'web', environment: 'production', status: 'running' },
  { id: 'd', kind: 'deploy', project: 'api', environment: 'staging', status: 'queued' },
];
const series = (text: string) => text.split('\n').filter((line) => line.startsWith('berth_deploys{') || line.startsWith('berth_approvals_waiting{'));

describe('deploy counts on /metrics', () => {
  it('come from one count and one listing while visibility holds few deploys, and match a count per pair', async () => {
    const listed = fakeVisibility(deploys);
    const perPair = fakeVisibility(deploys);
    const fromListing = await new MetricsSource(config, listed.service, { countListLimit: 10 }).text();
    const fromCounts = await new MetricsSource(config, perPair.service, { countListLimit: 3 }).text();

    expect(listed.asked).toHaveLength(1);
    // Past the limit: the scope's count, then one per environment and status (3 environments × 10 statuses).
    expect(perPair.asked).toHaveLength(1 + 3 * 10);
    expect(series(fromListing)).toEqual(series(fromCounts));
    expect(series(fromListing)).toEqual(
      expect.arrayContaining([
        'berth_deploys{project="web",environment="staging",status="running"} 1',
        'berth_deploys{project="web",environment="production",status="running"} 1',
        'berth_deploys{project="api",environment="staging",status="queued"} 1',
        'berth_deploys{project="api",environment="staging",status="running"} 0',
        'berth_approvals_waiting{project="web",environment="staging"} 1',
      ]),
    );
  });
});

import type { BerthConfig } from '../config/schema';
import { exposition } from '../metrics/process-metrics';
import { doraWindows, renderMetrics, type EnvironmentRef, type FinishedRecord, type FinishedSummary } from '../metrics/render-metrics';
import type { DeployRecord } from '../model/types';
import type { DeploymentService } from './deployment-service';
import { deployStatuses } from './list-schemas';
import { deployTypes, quoted, type DeploySummary } from './visibility';
import { mapLimit } from '../model/map-limit';

export interface MetricsOptions {
  /** Scrapes within this long of the last one get the same text. */
  cacheMs?: number;
  /** The histograms show this many of the newest finished deploys. */
  sampleSize?: number;
  /** Most finished deploys read for the DORA figures; beyond it the oldest are left out. */
  finishedLimit?: number;
  /** Up to this many deploys in visibility, the counts per status come from one listing; beyond it, one count per environment and status. */
  countListLimit?: number;
  now?: () => Date;
}

/**
 * What `/metrics` reports, from Temporal: counts from visibility, DORA figures
 * from the deploys that finished in the last 30 days, and step durations from
 * the records of the newest finished ones. Records of finished deploys never
 * change, so each is read once.
 */
export class MetricsSource {
  private readonly records = new Map<string, DeployRecord>();
  private cached?: { at: number; text: Promise<string> };

  constructor(
    private readonly config: BerthConfig,
    private readonly deployments: DeploymentService,
    private readonly options: MetricsOptions = {},
  ) {}

  text(): Promise<string> {
    const now = (this.options.now ?? (() => new Date()))();
    if (this.cached && now.getTime() - this.cached.at < (this.options.cacheMs ?? 5000)) return this.cached.text;
    const text = this.collect(now);
    this.cached = { at: now.getTime(), text };
    // A failed scrape is not cached: the next one tries again.
    text.catch(() => {
      if (this.cached?.text === text) this.cached = undefined;
    });
    return text;
  }

  private async collect(now: Date): Promise<string> {
    const environments: EnvironmentRef[] = Object.entries(this.config.projects).flatMap(([project, p]) => Object.keys(p.environments).map((environment) => ({ project, environment })));
    const projects = Object.keys(this.config.projects).map(quoted).join(', ');
    const since = new Date(now.getTime() - Math.max(...doraWindows.map((w) => w.ms))).toISOString();
    const pairs = environments.flatMap((env) => deployStatuses.map((status) => ({ ...env, status })));
    const [counts, finished] = await Promise.all([
      projects === '' ? [] : this.countsOf(pairs, projects),
      projects === ''
        ? ([] as DeploySummary[])
        : this.deployments.listAll(`${deployTypes} AND BerthProject IN (${projects}) AND ExecutionStatus != "Running" AND CloseTime > ${quoted(since)}`, this.options.finishedLimit ?? 5000),
    ]);
    const deploys = finished
      .filter((d): d is DeploySummary & FinishedSummary => d.kind !== 'pipeline' && !!d.environment && !!d.finishedAt)
      .sort((a, b) => b.finishedAt.localeCompare(a.finishedAt));
    const sampleSize = this.options.sampleSize ?? 200;
    const sample = deploys.slice(0, sampleSize);
    const sampleRecords = await this.recordsOf(sample);
    return exposition(renderMetrics({ now, environments, counts, finished: deploys, sample, sampleRecords, sampleSize }));
  }

  /**
   * Deploys per environment and status. Temporal counts by one search
   * attribute's value only (ExecutionStatus), so a count per pair is one
   * request each: 7,000 at 1,000 environments. When visibility holds no more
   * than `countListLimit` deploys, one listing is read and tallied instead.
   */
  private async countsOf(pairs: Array<EnvironmentRef & { status: string }>, projects: string): Promise<Array<EnvironmentRef & { status: string; count: number }>> {
    const scope = `${deployTypes} AND BerthProject IN (${projects})`;
    const limit = this.options.countListLimit ?? 10_000;
    if ((await this.deployments.count(scope)) <= limit) {
      const tally = new Map<string, number>();
      for (const deploy of await this.deployments.listAll(scope, limit)) {
        const key = `${deploy.project}\n${deploy.environment}\n${deploy.status}`;
        tally.set(key, (tally.get(key) ?? 0) + 1);
      }
      return pairs.map((pair) => ({ ...pair, count: tally.get(`${pair.project}\n${pair.environment}\n${pair.status}`) ?? 0 }));
    }
    return mapLimit(pairs, 8, async (pair) => {
      const query = `${deployTypes} AND BerthProject = ${quoted(pair.project)} AND BerthEnvironment = ${quoted(pair.environment)} AND BerthStatus = ${quoted(pair.status)}`;
      return { ...pair, count: await this.deployments.count(query) };
    });
  }

  private async recordsOf(sample: DeploySummary[]): Promise<FinishedRecord[]> {
    const missing = sample.filter((d) => !this.records.has(d.id));
    await mapLimit(missing, 8, async (d) => {
      const record = await this.deployments.get(d.id).catch(() => undefined);
      if (record && record.kind !== 'pipeline') this.records.set(d.id, record);
    });
    // Keep only what the sample still holds, so memory stays bounded.
    const wanted = new Set(sample.map((d) => d.id));
    for (const id of this.records.keys()) if (!wanted.has(id)) this.records.delete(id);
    return sample.flatMap((d) => {
      const record = this.records.get(d.id);
      return record ? [{ project: record.project, environment: record.environment, steps: record.steps }] : [];
    });
  }
}

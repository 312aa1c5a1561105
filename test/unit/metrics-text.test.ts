import { doraFigures, median } from '../../src/metrics/dora';
import { exposition } from '../../src/metrics/process-metrics';
import { renderMetrics } from '../../src/metrics/render-metrics';

describe('doraFigures', () => {
  const now = new Date('2025-03-31T00:00:00Z');
  const day = 86_400_000;
  const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * day).toISOString();

  it('counts, rates and medians over the window; rollbacks restore but are not changes', () => {
    const figures = doraFigures(
      [
        { kind: 'deploy', status: 'succeeded', finishedAt: at(6), commitTime: at(6.5) },
        { kind: 'deploy', status: 'failed', finishedAt: at(5) },
        { kind: 'deploy', status: 'rolled_back', finishedAt: at(4.5) },
        { kind: 'rollback', status: 'succeeded', finishedAt: at(4) },
        { kind: 'deploy', status: 'rejected', finishedAt: at(3) },
        { kind: 'deploy', status: 'succeeded', finishedAt: at(2), commitTime: at(3) },
        { kind: 'deploy', status: 'succeeded', finishedAt: at(20) },
      ],
      now,
      7 * day,
    );
    expect(figures).toEqual({
      deploysPerDay: 2 / 7,
      leadTimeSeconds: 0.75 * 86_400,
      changeFailureRate: 2 / 4,
      timeToRestoreSeconds: 86_400,
      leadTimeSamples: 2,
      restoreSamples: 1,
    });
  });

  it('leaves out what cannot be measured', () => {
    expect(doraFigures([], now, 7 * day)).toEqual({ deploysPerDay: 0, leadTimeSeconds: undefined, changeFailureRate: undefined, timeToRestoreSeconds: undefined, leadTimeSamples: 0, restoreSamples: 0 });
    expect(median([3, 1, 2, 10])).toBe(2.5);
  });
});

describe('the /metrics exposition through prom-client', () => {
  const now = new Date('2025-03-31T00:00:00Z');
  const finished = [
    { project: 'web', environment: 'staging', kind: 'deploy', status: 'failed', startedAt: '2025-03-30T23:00:10Z', finishedAt: '2025-03-30T23:00:14Z' },
    { project: 'web', environment: 'staging', kind: 'deploy', status: 'succeeded', startedAt: '2025-03-30T23:00:00Z', finishedAt: '2025-03-30T23:00:03Z' },
  ];
  const snapshot = {
    now,
    environments: [{ project: 'web', environment: 'staging' }],
    counts: [
      { project: 'web', environment: 'staging', status: 'succeeded', count: 1 },
      { project: 'web', environment: 'staging', status: 'failed', count: 1 },
      { project: 'web', environment: 'staging', status: 'awaiting_approval', count: 0 },
    ],
    finished,
    sample: finished,
    sampleRecords: [{ project: 'web', environment: 'staging', steps: [{ name: 'pull', startedAt: '2025-03-30T23:00:00Z', finishedAt: '2025-03-30T23:00:00.300Z' }, { name: 'health', startedAt: '2025-03-30T23:00:01Z' }] }],
    sampleSize: 200,
  };

  it("reports Berth's counts, approvals waiting, durations and DORA figures per environment, with the same names and labels", async () => {
    const text = await exposition(renderMetrics(snapshot));
    const berth = text.split('\n').filter((line) => /^(# (HELP|TYPE) )?berth_/.test(line));
    expect(berth).toEqual([
      '# HELP berth_deploys Deploys and rollbacks per environment by current status, counted in Temporal visibility (all time).',
      '# TYPE berth_deploys gauge',
      'berth_deploys{project="web",environment="staging",status="succeeded"} 1',
      'berth_deploys{project="web",environment="staging",status="failed"} 1',
      '# HELP berth_approvals_waiting Deploys waiting for a person to approve them.',
      '# TYPE berth_approvals_waiting gauge',
      'berth_approvals_waiting{project="web",environment="staging"} 0',
      '# HELP berth_deploy_duration_seconds Start to finish of the newest 200 finished deploys and rollbacks (a sliding sample, not a counter).',
      '# TYPE berth_deploy_duration_seconds histogram',
      ...[1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600, '+Inf'].map((le) => `berth_deploy_duration_seconds_bucket{le="${le}",project="web",environment="staging",kind="deploy",outcome="failed"} ${le === 1 || le === 2 ? 0 : 1}`),
      'berth_deploy_duration_seconds_sum{project="web",environment="staging",kind="deploy",outcome="failed"} 4',
      'berth_deploy_duration_seconds_count{project="web",environment="staging",kind="deploy",outcome="failed"} 1',
      ...[1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600, '+Inf'].map((le) => `berth_deploy_duration_seconds_bucket{le="${le}",project="web",environment="staging",kind="deploy",outcome="succeeded"} ${le === 1 || le === 2 ? 0 : 1}`),
      'berth_deploy_duration_seconds_sum{project="web",environment="staging",kind="deploy",outcome="succeeded"} 3',
      'berth_deploy_duration_seconds_count{project="web",environment="staging",kind="deploy",outcome="succeeded"} 1',
      '# HELP berth_step_duration_seconds Duration of each step in the newest 200 finished deploys and rollbacks (a sliding sample, not a counter).',
      '# TYPE berth_step_duration_seconds histogram',
      ...[0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, '+Inf'].map((le) => `berth_step_duration_seconds_bucket{le="${le}",project="web",environment="staging",step="pull"} ${le === 0.1 || le === 0.25 ? 0 : 1}`),
      'berth_step_duration_seconds_sum{project="web",environment="staging",step="pull"} 0.3',
      'berth_step_duration_seconds_count{project="web",environment="staging",step="pull"} 1',
      '# HELP berth_dora_deployment_frequency_per_day Successful deploys (not rollbacks) per day over the window.',
      '# TYPE berth_dora_deployment_frequency_per_day gauge',
      'berth_dora_deployment_frequency_per_day{project="web",environment="staging",window="7d"} 0.14285714285714285',
      'berth_dora_deployment_frequency_per_day{project="web",environment="staging",window="30d"} 0.03333333333333333',
      '# HELP berth_dora_lead_time_seconds Median time from commit (the commitTime of the deploy request) to its successful deploy, over the window.',
      '# TYPE berth_dora_lead_time_seconds gauge',
      '# HELP berth_dora_change_failure_rate Failed and rolled-back deploys divided by succeeded, failed and rolled-back deploys, over the window.',
      '# TYPE berth_dora_change_failure_rate gauge',
      'berth_dora_change_failure_rate{project="web",environment="staging",window="7d"} 0.5',
      'berth_dora_change_failure_rate{project="web",environment="staging",window="30d"} 0.5',
      '# HELP berth_dora_time_to_restore_seconds Median time from a failed or rolled-back deploy to the next success, over the window.',
      '# TYPE berth_dora_time_to_restore_seconds gauge',
    ]);
  });

  it('adds the process metrics operators expect: CPU, heap, event loop lag', async () => {
    const text = await exposition(renderMetrics(snapshot));
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    // Each scrape builds Berth's series afresh, beside the one process registry.
    expect(await exposition(renderMetrics({ ...snapshot, counts: [] }))).not.toMatch(/^berth_deploys\{/m);
  });
});

import { doraFigures, median } from '../../src/metrics/dora';
import { PrometheusText } from '../../src/metrics/prometheus-text';
import { renderMetrics } from '../../src/metrics/render-metrics';

describe('PrometheusText', () => {
  it('writes gauges and cumulative histograms in the text format, escaping label values', () => {
    const text = new PrometheusText()
      .gauge('berth_x', 'An example\nwith a newline.', [{ labels: { project: 'we"b\\' }, value: 2 }])
      .histogram('berth_seconds', 'Durations.', [1, 5], [{ labels: { step: 'pull' }, observations: [0.5, 1, 3, 10] }])
      .toString();
    expect(text).toBe(
      [
        '# HELP berth_x An example\\nwith a newline.',
        '# TYPE berth_x gauge',
        'berth_x{project="we\\"b\\\\"} 2',
        '# HELP berth_seconds Durations.',
        '# TYPE berth_seconds histogram',
        'berth_seconds_bucket{step="pull",le="1"} 2',
        'berth_seconds_bucket{step="pull",le="5"} 3',
        'berth_seconds_bucket{step="pull",le="+Inf"} 4',
        'berth_seconds_sum{step="pull"} 14.5',
        'berth_seconds_count{step="pull"} 4',
        '',
      ].join('\n'),
    );
  });
});

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

describe('renderMetrics', () => {
  it('reports counts, approvals waiting, durations and DORA figures per environment', () => {
    const now = new Date('2025-03-31T00:00:00Z');
    const finished = [
      { project: 'web', environment: 'staging', kind: 'deploy', status: 'failed', startedAt: '2025-03-30T23:00:10Z', finishedAt: '2025-03-30T23:00:14Z' },
      { project: 'web', environment: 'staging', kind: 'deploy', status: 'succeeded', startedAt: '2025-03-30T23:00:00Z', finishedAt: '2025-03-30T23:00:03Z' },
    ];
    const text = renderMetrics({
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
    });
    const lines = text.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'berth_deploys{project="web",environment="staging",status="succeeded"} 1',
        'berth_deploys{project="web",environment="staging",status="failed"} 1',
        'berth_approvals_waiting{project="web",environment="staging"} 0',
        'berth_deploy_duration_seconds_bucket{project="web",environment="staging",kind="deploy",outcome="failed",le="5"} 1',
        'berth_deploy_duration_seconds_count{project="web",environment="staging",kind="deploy",outcome="succeeded"} 1',
        'berth_step_duration_seconds_bucket{project="web",environment="staging",step="pull",le="0.5"} 1',
        'berth_step_duration_seconds_sum{project="web",environment="staging",step="pull"} 0.3',
        'berth_dora_deployment_frequency_per_day{project="web",environment="staging",window="7d"} 0.14285714285714285',
        'berth_dora_deployment_frequency_per_day{project="web",environment="staging",window="30d"} 0.03333333333333333',
        'berth_dora_change_failure_rate{project="web",environment="staging",window="7d"} 0.5',
      ]),
    );
    // A step still running has no duration; awaiting_approval is its own metric.
    expect(text).not.toMatch(/step="health"/);
    expect(text).not.toMatch(/berth_deploys\{[^}]*awaiting_approval/);
    expect(text).not.toMatch(/berth_dora_time_to_restore_seconds\{/);
  });
});

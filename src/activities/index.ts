import { createContainerActivities } from './container-activities';
import { createHealthActivities } from './health-activities';
import { createHostInfoActivities } from './host-info-activities';
import type { HostDeps } from './host-deps';
import { createImageActivities } from './image-activities';
import { createMigrationActivities } from './migration-activities';
import { createMonitorActivities } from './monitor-activities';
import { createPreviewActivities } from './preview-activities';
import { createProxyActivities } from './proxy-activities';
import { createReconcileActivities } from './reconcile-activities';
import { createRetainedActivities } from './retained-activities';
import { scrubbing } from './scrubber';

export { createNotifyActivities, type NotifyDeps } from './notify-activities';
export { createPipelineActivities, type PipelineDeps } from './pipeline-activities';
export { createRegistryActivities, type RegistryDeps } from './registry-activities';
export type { HostDeps } from './host-deps';

/** The activities bound to one Docker host; registered on that host's task queue. */
export function createHostActivities(deps: HostDeps) {
  return scrubbing(deps.env, deps.registries, {
    ...createImageActivities(deps),
    ...createContainerActivities(deps),
    ...createRetainedActivities(deps),
    ...createHealthActivities(deps),
    ...createMonitorActivities(deps),
    ...createProxyActivities(deps),
    ...createMigrationActivities(deps),
    ...createReconcileActivities(deps),
    ...createHostInfoActivities(deps),
    ...createPreviewActivities(deps),
  });
}

export type HostActivities = ReturnType<typeof createHostActivities>;
export type NotifyActivities = ReturnType<typeof import('./notify-activities').createNotifyActivities>;
export type PipelineActivities = ReturnType<typeof import('./pipeline-activities').createPipelineActivities>;
export type RegistryActivities = ReturnType<typeof import('./registry-activities').createRegistryActivities>;

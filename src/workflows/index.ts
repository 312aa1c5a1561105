export { deployWorkflow } from './deploy-workflow';
export { environmentWorkflow } from './environment-workflow';
export { hostInfoWorkflow } from './host-info-workflow';
export { pipelineWorkflow } from './pipeline-workflow';
export { previewsWorkflow } from './previews-workflow';
export { rollbackWorkflow } from './rollback-workflow';


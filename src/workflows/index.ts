export { deployWorkflow } from './deploy-workflow';
export { environmentWorkflow } from './environment-workflow';
export { pipelineWorkflow } from './pipeline-workflow';
export { rollbackWorkflow } from './rollback-workflow';


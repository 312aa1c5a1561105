export { deployWorkflow } from './deploy-workflow';
export { rollbackWorkflow } from './rollback-workflow';
export { statusQuery } from './queries';

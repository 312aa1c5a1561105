export { deployWorkflow, statusQuery } from './deploy-workflow';

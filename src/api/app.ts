import express from 'express';
import type { Client } from '@temporalio/client';
import type { BerthConfig } from '../config/schema';
import type { Logger } from '../logger';
import { authenticate, type ApiToken } from './auth';
import { DeploymentService } from './deployment-service';
import { deploymentsRouter } from './deployments-router';
import { environmentsRouter } from './environments-router';
import { errorMiddleware, HttpError } from './http-error';

export interface AppDeps {
  config: BerthConfig;
  client: Client;
  taskQueue: string;
  tokens: ApiToken[];
  log: Logger;
}

/** The HTTP API. It talks only to Temporal; workers do the work. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await deps.client.connection.withDeadline(Date.now() + 2000, () => deps.client.connection.workflowService.getSystemInfo({}));
      res.json({ status: 'ready' });
    } catch (error) {
      res.status(503).json({ error: { code: 'unavailable', message: `Temporal is not reachable: ${(error as Error).message}` } });
    }
  });

  app.use(authenticate(deps.tokens));
  const deployments = new DeploymentService(deps.client, deps.taskQueue);
  app.use(deploymentsRouter(deps.config, deployments));
  app.use(environmentsRouter(deps.config, deployments));
  app.use((req, _res, next) => next(new HttpError('not_found', `no route for ${req.method} ${req.path}`)));
  app.use(errorMiddleware(deps.log));
  return app;
}

import express from 'express';
import type { PayloadCodec } from '@temporalio/common';
import type { BerthConfig } from '../config/schema';
import type { Logger } from '../logger';
import { authenticate, type ApiToken } from './auth';
import { codecLogin, codecLoginPage } from './codec-login';
import { codecCors, codecRouter } from './codec-router';
import { DeploymentService, type TemporalClient } from './deployment-service';
import { deploymentListRouter } from './deployment-list-router';
import { deploymentsRouter } from './deployments-router';
import { environmentsRouter } from './environments-router';
import { eventsRouter } from './events-router';
import { bodyGuard, distributionEvents } from './body-guard';
import { hooksRouter, keepRawBody } from './hooks-router';
import { hostsRouter } from './hosts-router';
import { errorMiddleware, HttpError, maxBodyBytes } from './http-error';
import { MetricsSource } from './metrics-source';
import { metricsRouter } from './metrics-router';
import { previewsRouter } from './previews-router';
import { buildOpenApi, packageVersion } from './openapi';
import { bindRequestBody, requestLog } from './request-log';
import { routes } from './route-registry';

export interface AppDeps {
  config: BerthConfig;
  client: TemporalClient;
  taskQueue: string;
  tokens: ApiToken[];
  log: Logger;
  /** The payload codec when `temporal.encryption` is configured; served at `/codec/*`. */
  codec?: PayloadCodec;
}

/** The HTTP API. It talks only to Temporal; workers do the work. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLog(deps.config, deps.log));
  app.use(bodyGuard());
  app.use(express.json({ limit: maxBodyBytes, type: ['application/json', distributionEvents], verify: keepRawBody }));
  app.use(bindRequestBody(deps.config));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const deployments = new DeploymentService(deps.client, deps.taskQueue, deps.config);
  app.get('/readyz', async (_req, res) => {
    try {
      await deployments.ready(2000);
      res.json({ status: 'ready' });
    } catch (error) {
      res.status(503).json({ error: { code: 'unavailable', message: `Temporal is not reachable: ${(error as Error).message}` } });
    }
  });

  const openApi = buildOpenApi(routes, packageVersion());
  app.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });

  app.use(codecCors(deps.config.api.codec.corsOrigins));
  app.use(codecLoginPage());
  // Registries authenticate with their hook's own secret, not an API token.
  app.use(hooksRouter(deps.config, deployments));
  app.use(authenticate(deps.tokens));
  app.use(codecLogin());
  app.use(codecRouter(deps.codec, deps.config.temporal?.namespace ?? 'default'));
  app.use(deploymentsRouter(deps.config, deployments));
  app.use(environmentsRouter(deps.config, deployments));
  app.use(previewsRouter(deps.config, deployments));
  app.use(deploymentListRouter(deps.config, deployments));
  app.use(eventsRouter(deps.config, deployments));
  app.use(hostsRouter(deps.config, deployments));
  app.use(metricsRouter(new MetricsSource(deps.config, deployments)));
  app.use((req, _res, next) => next(new HttpError('not_found', `no route for ${req.method} ${req.path}`)));
  app.use(errorMiddleware(deps.log));
  return app;
}

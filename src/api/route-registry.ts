import type { ZodObject, ZodType } from 'zod';
import type { Scope } from '../config/schema';
import { codecRequestSchema } from './codec-router';
import { reconcileRequestSchema, rollbackRequestSchema } from './environments-router';
import { deploymentListQuerySchema } from './list-schemas';
import { decisionRequestSchema, deployRequestSchema } from './schemas';

/** One route of the API: what `/openapi.json` documents and a test checks against the Express app. */
export interface RouteSpec {
  method: 'get' | 'post' | 'delete';
  /** Express syntax: `/v1/deployments/:id`. */
  path: string;
  /** `none`: answered without a token; `any`: any valid token. */
  scope: Scope | 'any' | 'none';
  summary: string;
  body?: { name: string; schema: ZodType };
  query?: ZodObject;
  /** What the success answer is: JSON (default), an event stream, or plain text. */
  produces?: 'json' | 'event-stream' | 'text' | 'html';
  responses: Record<number, string>;
}

const deploymentId = 'deployment "…" was not found';

export const routes: RouteSpec[] = [
  { method: 'get', path: '/healthz', scope: 'none', summary: 'The process is up', responses: { 200: '`{"status":"ok"}`' } },
  { method: 'get', path: '/readyz', scope: 'none', summary: 'Temporal answers', responses: { 200: '`{"status":"ready"}`', 503: 'Temporal is not reachable' } },
  { method: 'get', path: '/openapi.json', scope: 'none', summary: 'This document', responses: { 200: 'OpenAPI 3.1 document' } },
  {
    method: 'get',
    path: '/metrics',
    scope: 'any',
    summary: 'Prometheus metrics: deploys by outcome, durations, approvals waiting, DORA figures',
    produces: 'text',
    responses: { 200: 'Prometheus text exposition format 0.0.4' },
  },
  {
    method: 'post',
    path: '/v1/deployments',
    scope: 'deploy',
    summary: 'Start a deploy (one environment) or a pipeline (`environments`)',
    body: { name: 'DeployRequest', schema: deployRequestSchema },
    responses: { 202: '`{"id","status":"queued"}`, and `stages` for a pipeline', 404: 'unknown project or environment', 409: 'the environment refuses it now; nothing was started' },
  },
  {
    method: 'get',
    path: '/v1/deployments',
    scope: 'any',
    summary: 'Deploys, newest first, from Temporal visibility',
    query: deploymentListQuerySchema,
    responses: { 200: '`{"deployments": [...], "nextPageToken": string | null}`' },
  },
  { method: 'get', path: '/v1/deployments/:id', scope: 'any', summary: "A deploy's or pipeline's record", responses: { 200: 'the record', 404: deploymentId } },
  {
    method: 'get',
    path: '/v1/deployments/:id/events',
    scope: 'any',
    summary: 'Server-Sent Events: numbered `step` and `log` events, then `end` with the outcome; resumes after `Last-Event-ID`',
    produces: 'event-stream',
    responses: { 200: 'text/event-stream until the deploy has finished', 404: deploymentId },
  },
  ...(['approve', 'reject'] as const).map(
    (decision): RouteSpec => ({
      method: 'post',
      path: `/v1/deployments/:id/${decision}`,
      scope: 'approve',
      summary: `${decision === 'approve' ? 'Approve' : 'Reject'} a deploy that waits for approval; the token's name is recorded`,
      body: { name: 'DecisionRequest', schema: decisionRequestSchema },
      responses: { 200: '`{"id","approval"}`', 404: deploymentId, 409: 'the deploy is not waiting for approval' },
    }),
  ),
  {
    method: 'post',
    path: '/v1/deployments/:id/cancel',
    scope: 'deploy',
    summary: 'Cancel a running deploy (its undo steps run), or a queued one (it leaves the queue and never runs)',
    responses: { 202: '`{"id","status":"cancelling"}`', 404: deploymentId, 409: 'the deploy has finished' },
  },
  {
    method: 'get',
    path: '/v1/projects/:project/environments/:environment',
    scope: 'any',
    summary: "An environment's effective settings (secrets as references), current release and history",
    responses: { 200: '`{project, environment, hostname, settings, current, history}`', 404: 'unknown project or environment' },
  },
  {
    method: 'post',
    path: '/v1/projects/:project/environments/:environment/reconcile',
    scope: 'deploy',
    summary: 'Pause or resume drift reconciliation of the environment',
    body: { name: 'ReconcileRequest', schema: reconcileRequestSchema },
    responses: { 200: '`{"project","environment","paused"}`', 404: 'unknown project or environment', 409: 'the environment has had no deploy yet' },
  },
  {
    method: 'post',
    path: '/v1/projects/:project/environments/:environment/rollback',
    scope: 'rollback',
    summary: 'Re-point the environment at an earlier release (the newest other success by default)',
    body: { name: 'RollbackRequest', schema: rollbackRequestSchema },
    responses: { 202: '`{"id","status":"queued","release"}`', 404: 'unknown project, environment or release', 409: 'a deploy is running, or nothing to roll back to' },
  },
  {
    method: 'get',
    path: '/v1/projects/:project/environments/:environment/instances',
    scope: 'any',
    summary: "An environment with `previews`: its instances, most recently deployed (the default name's) first",
    responses: { 200: '`{"instances": [{tag, instance, url, default, image, digest, deploymentId, release, deployedAt, deployedBy, expiresAt}]}`', 404: 'unknown project or environment, or one without previews' },
  },
  {
    method: 'delete',
    path: '/v1/projects/:project/environments/:environment/instances/:tag',
    scope: 'deploy',
    summary: 'Remove one preview instance (its containers, route and record); a `/` in the tag is written %2F',
    responses: { 202: '`{"project","environment","tag","status":"removing"}`', 404: 'unknown project or environment, or no instance of that tag' },
  },
  {
    method: 'get',
    path: '/v1/hosts',
    scope: 'read',
    summary: "Docker hosts: whether a worker polls each host's queue, its Docker version (asked through that worker) and its environments",
    responses: {
      200: '`{"hosts": [{name, address, taskQueue, worker: {polling, lastSeen, identities}, docker | null, dockerUnavailable?, environments}]}`',
      403: 'a token limited to some projects',
    },
  },
  {
    method: 'post',
    path: '/v1/hooks/registry/:name',
    scope: 'none',
    summary:
      "A registry says an image was pushed (Distribution notifications with the hook's secret as `Authorization: Bearer`, Docker Hub with `?secret=`, GitHub `package` events signed with X-Hub-Signature-256); each environment whose `autoDeploy.tags` match gets a deploy pinned by digest",
    responses: {
      202: '`{"deployments": [{project, environment, tag, digest, id, duplicate}], "ignored": [{project, environment, tag, digest, reason}]}`',
      400: 'a body no registry sends',
      401: 'a missing or wrong secret or signature',
      404: 'no hook of that name is configured',
    },
  },
  { method: 'get', path: '/codec/login', scope: 'none', summary: 'A page where a person gives this browser a read token for the codec endpoint', produces: 'html', responses: { 200: 'HTML' } },
  {
    method: 'post',
    path: '/codec/login',
    scope: 'read',
    summary: "Sets the `berth_codec` cookie (HttpOnly, SameSite=Strict, path /codec) that the Web UI's codec calls carry",
    responses: { 200: '`{"signedIn","expiresInSeconds"}`', 403: 'a token limited to some projects' },
  },
  ...(['encode', 'decode'] as const).map(
    (direction): RouteSpec => ({
      method: 'post',
      path: `/codec/${direction}`,
      scope: 'read',
      summary: `Temporal's remote codec protocol: ${direction} payloads with Berth's payload keys (for the Web UI and the CLI); X-Namespace must be Berth's`,
      body: { name: 'CodecPayloads', schema: codecRequestSchema },
      responses: { 200: '`{"payloads": [...]}`', 403: 'a token limited to some projects, or an origin not in api.codec.corsOrigins', 404: 'payload encryption is not configured' },
    }),
  ),
];

const patterns = routes.map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/:(\w+)/g, '(?<$1>[^/]+)')}$`),
}));

/** The documented route a request is for, with its path parameters. */
export function matchRoute(method: string, path: string): { route: RouteSpec; params: Record<string, string> } | undefined {
  for (const { route, pattern } of patterns) {
    const match = route.method === method.toLowerCase() ? pattern.exec(path) : null;
    if (match) return { route, params: Object.fromEntries(Object.entries(match.groups ?? {}).map(([k, v]) => [k, safeDecode(v)])) };
  }
  return undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

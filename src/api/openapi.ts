import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z, type ZodType } from 'zod';
import { errorCodes } from './http-error';
import type { RouteSpec } from './route-registry';

type JsonObject = Record<string, unknown>;

/** The error body every route answers with; documented once and referred to. */
const errorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(errorCodes),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

/** JSON Schema 2020-12 (what OpenAPI 3.1 uses) for what a client sends. */
function jsonSchema(schema: ZodType): JsonObject {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonObject;
  return rest;
}

const errorRef = { $ref: '#/components/schemas/Error' };
const errorContent = { 'application/json': { schema: errorRef } };

const contentTypes = { json: 'application/json', 'event-stream': 'text/event-stream', text: 'text/plain; version=0.0.4', html: 'text/html' } as const;

function operation(route: RouteSpec): JsonObject {
  const parameters: JsonObject[] = [...route.path.matchAll(/:(\w+)/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  for (const [name, property] of Object.entries(route.query?.shape ?? {})) {
    parameters.push({ name, in: 'query', required: !(property as ZodType).safeParse(undefined).success, schema: jsonSchema(property as ZodType) });
  }
  if (route.produces === 'event-stream') {
    parameters.push({ name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string', pattern: '^\\d+$' }, description: 'Resume after this event id' });
  }
  const responses: JsonObject = {};
  for (const [status, description] of Object.entries(route.responses)) {
    const success = Number(status) < 400;
    const type = success ? contentTypes[route.produces ?? 'json'] : contentTypes.json;
    const schema = !success ? errorRef : type === contentTypes.json ? {} : { type: 'string' };
    responses[status] = { description, content: { [type]: { schema } } };
  }
  if (route.scope !== 'none') {
    responses['401'] = { description: 'missing or wrong bearer token', content: errorContent };
  }
  if (route.scope !== 'none' && route.scope !== 'any') {
    responses['403'] = { description: `the token lacks the "${route.scope}" scope`, content: errorContent };
  }
  if (route.body || route.query) {
    responses['400'] ??= { description: 'invalid request: path-qualified messages in `details`', content: errorContent };
  }
  return {
    operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(\w)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: route.summary,
    ...(route.scope === 'none' ? { security: [] } : { description: route.scope === 'any' ? 'Any valid token.' : `Needs a token with the \`${route.scope}\` scope.` }),
    ...(parameters.length > 0 && { parameters }),
    ...(route.body && {
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${route.body.name}` } } } },
    }),
    responses,
  };
}

/** The package's version names the document's; read at run time, as src/ and dist/ both sit two levels below it. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/** OpenAPI 3.1, generated from the route registry and the zod schemas the API validates with. */
export function buildOpenApi(routes: RouteSpec[], version: string): JsonObject {
  const paths: Record<string, JsonObject> = {};
  const schemas: Record<string, JsonObject> = { Error: jsonSchema(errorBodySchema) };
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    paths[path] = { ...paths[path], [route.method]: operation(route) };
    if (route.body) schemas[route.body.name] = jsonSchema(route.body.schema);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Berth API', version, description: 'Docker deploys as durable Temporal workflows.' },
    security: [{ bearer: [] }],
    paths,
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  };
}

import fc from 'fast-check';
import { request as httpRequest } from 'node:http';
import type { RouteSpec } from '../../src/api/route-registry';
import { junk, objectCase } from './zod-arbitrary';

/** One generated request: raw path (dot segments and odd escapes kept), headers, raw body. */
export interface FuzzRequest {
  route: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface FuzzAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** Path parameters: real names and ids, and what a path must never let through. */
function pathParameter(known: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...known) },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9-]{2,30}$/) },
    {
      weight: 3,
      arbitrary: fc.constantFrom('..', '../..', '..%2F..%2Fhealthz', '%2e%2e', '%2e%2e%2f', '%ZZ', '%', '%00', '%2F', '%0d%0aX-Injected:%201', 'a'.repeat(3000), '.', '~', '%E2%98%83', encodeURIComponent('𝕓𝕖𝕣𝕥𝕙 ☃')),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map(encodeURIComponent) },
  );
}

function queryString(route: RouteSpec): fc.Arbitrary<string> {
  const fields = route.query ? objectCase(route.query) : fc.constant({});
  const extra = fc.option(fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })), { nil: undefined });
  return fc.tuple(fields, extra, fc.boolean()).map(([object, pair, repeat]) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(object)) params.append(key, typeof value === 'string' ? value : JSON.stringify(value) ?? '');
    if (pair) params.append(pair[0], pair[1]);
    if (repeat && Object.keys(object).length > 0) params.append(Object.keys(object)[0], 'again');
    const text = params.toString();
    return text ? `?${text}` : '';
  });
}

/** A body and its content type: valid-ish JSON, broken JSON, other types, too big, nothing. */
function bodyOf(route: RouteSpec, overrides: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<{ body?: string; type?: string }> {
  const object = route.body ? objectCase(route.body.schema, overrides) : fc.oneof(fc.constant({}), fc.dictionary(fc.string({ maxLength: 8 }), junk, { maxKeys: 2 }));
  const json = object.map((value) => JSON.stringify(value));
  return fc.oneof(
    { weight: 8, arbitrary: json.map((body) => ({ body, type: 'application/json' })) },
    { weight: 1, arbitrary: json.chain((body) => fc.nat(Math.max(0, body.length - 1)).map((cut) => ({ body: body.slice(0, cut) + '{', type: 'application/json' }))) },
    { weight: 1, arbitrary: fc.constantFrom('[]', '1', 'null', '"text"', '{"__proto__":{"polluted":1}}', '{"a":' + '['.repeat(5000)).map((body) => ({ body, type: 'application/json' })) },
    { weight: 1, arbitrary: fc.tuple(json, fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/xml')).map(([body, type]) => ({ body, type })) },
    { weight: 1, arbitrary: fc.constantFrom(70_000, 200_000).map((size) => ({ body: JSON.stringify({ project: 'x'.repeat(size) }), type: 'application/json' })) },
    { weight: 1, arbitrary: fc.constant({}) },
  );
}

/** Requests for one documented route; `known` are names and ids that exist, `tokens` what callers present. */
export function routeRequests(route: RouteSpec, known: string[], tokens: Array<string | null>, overrides: fc.Arbitrary<Record<string, unknown>> = fc.constant({})): fc.Arbitrary<FuzzRequest> {
  const path = fc.tuple(...[...route.path.matchAll(/:(\w+)/g)].map(() => pathParameter(known))).map((values) => {
    let index = 0;
    return route.path.replace(/:(\w+)/g, () => values[index++]);
  });
  const extraHeaders = fc.record(
    { 'last-event-id': fc.oneof(fc.constantFrom('0', '3', '-1', 'abc', '99999999999'), fc.string({ maxLength: 20 }).filter((text) => /^[\x20-\x7e]*$/.test(text))), 'x-namespace': fc.constantFrom('default', 'other', '') },
    { requiredKeys: [] },
  );
  return fc
    .record({ path, query: queryString(route), token: fc.constantFrom(...tokens), body: route.method === 'post' ? bodyOf(route, overrides) : fc.constant<{ body?: string; type?: string }>({}), extraHeaders })
    .map(({ path: rawPath, query, token, body, extraHeaders: more }) => ({
      route: `${route.method.toUpperCase()} ${route.path}`,
      method: route.method.toUpperCase(),
      path: rawPath + query,
      headers: { ...(token && { authorization: `Bearer ${token}` }), ...(body.type && { 'content-type': body.type }), ...more },
      body: body.body,
    }));
}

/** Sends one request as written (no URL normalisation); undefined when no answer came within `timeoutMs`. */
export function send(request: FuzzRequest, base: URL, timeoutMs: number): Promise<FuzzAnswer | undefined> {
  return new Promise((resolve) => {
    const outgoing = httpRequest({ host: base.hostname, port: base.port, method: request.method, path: request.path, headers: request.headers }, (response) => {
      const contentType = String(response.headers['content-type'] ?? '');
      // An event stream answers with its headers; its body may run for as long as the deploy does.
      if (contentType.startsWith('text/event-stream')) {
        clearTimeout(timer);
        response.destroy();
        resolve({ status: response.statusCode ?? 0, contentType, body: '' });
        return;
      }
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, contentType, body: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', () => resolve(undefined));
    });
    const timer = setTimeout(() => {
      outgoing.destroy();
      resolve(undefined);
    }, timeoutMs);
    outgoing.on('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    outgoing.end(request.body);
  });
}

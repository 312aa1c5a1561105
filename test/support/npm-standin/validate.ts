/**
 * The request-body checks of Nginx Proxy Manager v2.15's JSON schemas
 * (backend/schema/paths/nginx/proxy-hosts/post.json and .../hostID/put.json,
 * paths/tokens/post.json), worded the way its ajv validator words them.
 */

type Check = (value: unknown, at: string) => string | undefined;

const isInt = (value: unknown) => typeof value === 'number' && Number.isInteger(value);
const bool: Check = (value, at) => (typeof value === 'boolean' ? undefined : `${at} must be boolean`);
const str = (min = 0, max = Infinity): Check => (value, at) =>
  typeof value !== 'string' ? `${at} must be string` : value.length < min ? `${at} must NOT have fewer than ${min} characters` : value.length > max ? `${at} must NOT have more than ${max} characters` : undefined;
const int = (min: number, max = Infinity): Check => (value, at) =>
  !isInt(value) ? `${at} must be integer` : (value as number) < min ? `${at} must be >= ${min}` : (value as number) > max ? `${at} must be <= ${max}` : undefined;
const scheme: Check = (value, at) => (value === 'http' || value === 'https' ? undefined : `${at} must be equal to one of the allowed values`);
const domainPattern = /^[^&| @!#%^();:/\\}{=+?<>,~`'"]+$/;
const domains: Check = (value, at) => {
  if (!Array.isArray(value)) return `${at} must be array`;
  if (value.length < 1) return `${at} must NOT have fewer than 1 items`;
  if (new Set(value).size !== value.length) return `${at} must NOT have duplicate items`;
  const bad = value.findIndex((name) => typeof name !== 'string' || !domainPattern.test(name));
  return bad >= 0 ? `${at}/${bad} must match pattern "${domainPattern.source}"` : undefined;
};
const forward = { forward_scheme: scheme, forward_host: str(1, 255), forward_port: int(1, 65535) };
const location: Check = (value, at) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${at} must be object`;
  return object(value as Record<string, unknown>, at, {
    properties: { id: (v, a) => (v === null || isInt(v) ? undefined : `${a} must be integer,null`), path: str(1), ...forward, forward_path: str(), advanced_config: str() },
    required: ['forward_scheme', 'forward_host', 'forward_port', 'path'],
  });
};

const proxyHostProperties: Record<string, Check> = {
  domain_names: domains,
  ...forward,
  certificate_id: (value, at) => (value === 'new' || (isInt(value) && (value as number) >= 0) ? undefined : `${at} must match a schema in anyOf`),
  ssl_forced: bool,
  hsts_enabled: bool,
  hsts_subdomains: bool,
  trust_forwarded_proto: bool,
  http2_support: bool,
  block_exploits: bool,
  caching_enabled: bool,
  allow_websocket_upgrade: bool,
  access_list_id: int(0),
  advanced_config: str(),
  enabled: bool,
  meta: (value, at) => (typeof value === 'object' && value !== null && !Array.isArray(value) ? undefined : `${at} must be object`),
  locations: (value, at) => (Array.isArray(value) ? value.map((item, index) => location(item, `${at}/${index}`)).find(Boolean) : `${at} must be array`),
};

function object(body: Record<string, unknown>, at: string, schema: { properties: Record<string, Check>; required?: string[]; minProperties?: number }): string | undefined {
  const errors: string[] = [];
  for (const key of schema.required ?? []) if (!(key in body)) errors.push(`${at} must have required property '${key}'`);
  if (schema.minProperties && Object.keys(body).length < schema.minProperties) errors.push(`${at} must NOT have fewer than ${schema.minProperties} properties`);
  for (const [key, value] of Object.entries(body)) {
    const check = schema.properties[key];
    if (!check) errors.push(`${at} must NOT have additional properties`);
    else {
      const problem = check(value, `${at}/${key}`);
      if (problem) errors.push(problem);
    }
  }
  return errors.length ? errors.join(', ') : undefined;
}

function validate(body: unknown, schema: Parameters<typeof object>[2]): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'data must be object';
  return object(body as Record<string, unknown>, 'data', schema);
}

export const validateCreate = (body: unknown) =>
  validate(body, { properties: proxyHostProperties, required: ['domain_names', 'forward_scheme', 'forward_host', 'forward_port'] });
export const validateUpdate = (body: unknown) => validate(body, { properties: proxyHostProperties, minProperties: 1 });
export const validateLogin = (body: unknown) =>
  validate(body, { properties: { identity: str(1), secret: str(1), scope: (v, a) => (v === 'user' ? undefined : `${a} must be equal to one of the allowed values`) }, required: ['identity', 'secret'] });

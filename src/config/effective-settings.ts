import type { z } from 'zod';
import { settingKeys, settingsSchema, type EnvironmentSettings } from './settings-schema';

type RawObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is RawObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Pure: `over` on top of `base`. Objects merge key by key at every depth
 * (health field by field, env and secrets name by name); anything else,
 * arrays included, is replaced by the nearer level.
 */
export function mergeSettings(base: RawObject, over: RawObject): RawObject {
  const merged: RawObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    merged[key] = isPlainObject(value) && isPlainObject(merged[key]) ? mergeSettings(merged[key] as RawObject, value) : value;
  }
  return merged;
}

function pick(raw: RawObject): RawObject {
  return Object.fromEntries(Object.entries(raw).filter(([key]) => (settingKeys as string[]).includes(key)));
}

/**
 * The effective settings of one environment: code defaults, then the
 * project's defaults, then the environment's overrides. Each level's fields
 * were checked where written; what fails only in combination (migrations'
 * command and dir) is reported at the level that set the block.
 */
export function effectiveSettings(
  rawProject: RawObject,
  rawEnvironment: RawObject,
  paths: { project: string; environment: string },
): { settings: EnvironmentSettings; issues: [] } | { settings?: undefined; issues: string[] } {
  const defaults = pick(rawProject);
  const overrides = pick(rawEnvironment);
  const result = settingsSchema.safeParse(mergeSettings(defaults, overrides));
  if (result.success) return { settings: result.data, issues: [] };
  return { issues: result.error.issues.map((issue) => located(issue, overrides, defaults, paths)) };
}

function located(issue: z.core.$ZodIssue, overrides: RawObject, defaults: RawObject, paths: { project: string; environment: string }): string {
  const key = String(issue.path[0] ?? '');
  const base = key in overrides || !(key in defaults) ? paths.environment : paths.project;
  return [base, ...issue.path.map(String)].join('/') + `: ${issue.message}`;
}

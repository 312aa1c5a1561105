import type { EnvironmentConfig } from '../config/schema';

/**
 * Pure: an environment's effective settings as the API shows them, durations
 * in milliseconds. Secrets and the migration database stay references
 * (`env:NAME`, `file:/path`); their values are read only inside activities.
 */
export function settingsView(environment: EnvironmentConfig): Record<string, unknown> {
  const { hostname: _hostname, window, ...settings } = environment;
  return { ...settings, ...(window && { window: window.text }) };
}

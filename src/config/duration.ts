const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses Temporal-style duration strings such as `200ms`, `2s`, `5m`, `1h`, or `1m30s`. */
export function parseDurationMs(text: string): number | undefined {
  const parts = text.trim().match(/^(\d+(?:\.\d+)?(?:ms|s|m|h))+$/);
  if (!parts) return undefined;
  let total = 0;
  for (const [, value, unit] of text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(value) * units[unit];
  }
  return Math.round(total);
}

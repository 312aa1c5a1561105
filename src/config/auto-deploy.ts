import { z } from 'zod';
import { duration } from './fields';

/** One entry of `autoDeploy.tags`: a literal moving tag (`main`) or a `/regex/` pattern. */
export type TagRule = { kind: 'literal'; tag: string } | { kind: 'pattern'; source: string };

/** Pure: `/^v\d+$/` is a pattern, anything else a literal tag; a message when it is neither. */
export function parseTagRule(text: string): TagRule | string {
  if (text.length > 2 && text.startsWith('/') && text.endsWith('/')) {
    const source = text.slice(1, -1);
    try {
      new RegExp(source);
    } catch (error) {
      return `"${text}" is not a valid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: \/.*\/\w*: /, '')}`;
    }
    return { kind: 'pattern', source };
  }
  if (!/^[\w][\w.-]{0,127}$/.test(text)) return `"${text}" should be a tag or a /regex/ pattern`;
  return { kind: 'literal', tag: text };
}

const tagRule = z.string().transform((text, ctx) => {
  const rule = parseTagRule(text);
  if (typeof rule === 'string') {
    ctx.addIssue({ code: 'custom', message: rule });
    return z.NEVER;
  }
  return rule;
});

/** Checking more often than this only spends the registry's rate limit: a webhook is the fast path. */
export const minPollIntervalMs = 5000;

/**
 * Per environment: deploy what a registry webhook says was pushed under these
 * tags, and with `poll` also what the environment's owner finds when it asks
 * the registry itself on that interval.
 */
export const autoDeploySchema = z.strictObject({
  tags: z.array(tagRule).min(1, 'should name at least one tag or /pattern/'),
  poll: duration.refine((ms) => ms >= minPollIntervalMs, `should be at least ${minPollIntervalMs / 1000}s`).optional(),
});

export type AutoDeployConfig = z.output<typeof autoDeploySchema>;

/** Pure: does a pushed tag match one of the rules? */
export function tagMatches(rules: TagRule[], tag: string): boolean {
  return rules.some((rule) => (rule.kind === 'literal' ? rule.tag === tag : new RegExp(rule.source).test(tag)));
}

const semverPattern = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** Pure: the numeric parts and pre-release of `v1.2.3-rc.1`, or undefined for a tag that is no semver. */
export function parseSemver(tag: string): { core: [number, number, number]; pre: string[] } | undefined {
  const match = semverPattern.exec(tag);
  if (!match) return undefined;
  return { core: [Number(match[1]), Number(match[2]), Number(match[3])], pre: match[4] ? match[4].split('.') : [] };
}

/** Pure: semver precedence (v1.10.0 > v1.9.3; 1.0.0 > 1.0.0-rc.1); tags that are no semver sort lowest, by name. */
export function compareTags(a: string, b: string): number {
  const left = parseSemver(a);
  const right = parseSemver(b);
  if (!left || !right) return left ? 1 : right ? -1 : a < b ? -1 : a > b ? 1 : 0;
  for (let i = 0; i < 3; i++) if (left.core[i] !== right.core[i]) return left.core[i] - right.core[i];
  if (left.pre.length === 0 || right.pre.length === 0) return right.pre.length - left.pre.length;
  for (let i = 0; i < Math.max(left.pre.length, right.pre.length); i++) {
    const [x, y] = [left.pre[i], right.pre[i]];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    if (x === y) continue;
    const [nx, ny] = [/^\d+$/.test(x), /^\d+$/.test(y)];
    if (nx && ny) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** Pure: of the tags a registry lists, the one a pattern rule deploys (the highest semver among matches). */
export function newestMatching(rules: TagRule[], tags: string[]): string | undefined {
  const matching = tags.filter((tag) => tagMatches(rules.filter((rule) => rule.kind === 'pattern'), tag));
  return matching.sort(compareTags).at(-1);
}

import { createHash } from 'node:crypto';

/** A DNS label holds at most 63 characters (RFC 1035). */
export const maxLabelLength = 63;
const hashLength = 6;

/**
 * Pure: lowercase, accents dropped, every run of characters outside
 * `[a-z0-9]` one `-`, no `-` at either end. Runs of dashes collapse too, so
 * `a--b` never looks like an IDN prefix (`xn--`).
 */
export function dnsSafe(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The values a preview name template may use. */
export interface PreviewNameInput {
  stage: string;
  project: string;
  tag?: string;
}

/** Fills `{stage}`, `{project}` and `{tag}`; an unknown placeholder stays as written (and is sanitised). */
export function fillTemplate(template: string, input: PreviewNameInput): string {
  return template.replace(/\{(stage|project|tag)\}/g, (_, key: keyof PreviewNameInput) => input[key] ?? '');
}

/**
 * Pure: the DNS label of a preview instance. A name longer than one label is
 * cut and ends in a short hash of the full tag, so two long tags that share
 * their first 56 characters still get two names.
 */
export function previewName(template: string, input: PreviewNameInput): string {
  const safe = dnsSafe(fillTemplate(template, input));
  if (safe.length <= maxLabelLength) return safe;
  const hash = createHash('sha256').update(input.tag ?? safe).digest('hex').slice(0, hashLength);
  return `${safe.slice(0, maxLabelLength - hashLength - 1).replace(/-+$/, '')}-${hash}`;
}

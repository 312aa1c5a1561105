import { labels } from './labels';

/** The container events after which a release may no longer serve. */
export const healingActions = ['die', 'oom', 'destroy'] as const;

/** One of Berth's containers stopped, ran out of memory or vanished. */
export interface ContainerEvent {
  action: string;
  containerId: string;
  project: string;
  environment: string;
  release: string;
  /** A preview instance's container: its own owner hears of it. */
  instance?: string;
}

/** Filters for Docker's `GET /events`: only Berth's containers, only the actions that can need healing. */
export function containerEventFilters(): { type: Array<'container'>; event: string[]; label: string[] } {
  return { type: ['container'], event: [...healingActions], label: [`${labels.managed}=true`] };
}

interface RawEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

/**
 * Pure: one line of the event stream as a Berth container event, or undefined
 * for anything else (another type, a container without Berth's labels).
 * Docker puts a container's labels among the actor's attributes.
 */
export function parseContainerEvent(line: string): ContainerEvent | undefined {
  let raw: RawEvent;
  try {
    raw = JSON.parse(line) as RawEvent;
  } catch {
    return undefined;
  }
  const attributes = raw.Actor?.Attributes ?? {};
  // Docker reports `exec_die` and the like with a suffix; only the plain actions count.
  const action = raw.Action ?? '';
  if (raw.Type !== 'container' || !(healingActions as readonly string[]).includes(action)) return undefined;
  if (attributes[labels.managed] !== 'true') return undefined;
  const project = attributes[labels.project];
  const environment = attributes[labels.environment];
  const release = attributes[labels.release];
  if (!project || !environment || !release || !raw.Actor?.ID) return undefined;
  const instance = attributes[labels.instance];
  return { action, containerId: raw.Actor.ID, project, environment, release, ...(instance && { instance }) };
}

/**
 * Splits a byte stream into lines: Docker writes one JSON object per line,
 * but a chunk may end mid-line. Returns the complete lines and the rest.
 */
export function splitLines(buffered: string, chunk: string): { lines: string[]; rest: string } {
  const parts = (buffered + chunk).split('\n');
  const rest = parts.pop() ?? '';
  return { lines: parts.filter((line) => line.trim() !== ''), rest };
}

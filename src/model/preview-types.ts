/**
 * Preview instances: each deployed tag of an environment with `previews`
 * runs as its own instance. Pure data, shared by the API and the workflows.
 */

/** One live instance, as the environment's preview coordinator keeps it. */
export interface PreviewInstance {
  tag: string;
  /** The DNS label: the instance's id in labels, routes and its owner's workflow id. */
  instance: string;
  hostname: string;
  url: string;
  image: string;
  /** The deploy that last deployed it. */
  deploymentId: string;
  requestedBy: string;
  /** When it was last deployed (requested); the least recent goes first past `maxInstances`. */
  deployedAt: number;
  /** Absent without a `ttl`. */
  expiresAt?: number;
}

/** What the coordinator needs from the config; refreshed with every request. */
export interface PreviewSettings {
  project: string;
  environment: string;
  host: string;
  defaultHostname: string;
  maxInstances?: number;
  ttlMs?: number;
  /** What verifies the default name through the proxy when a removal moves it; absent in older states. */
  probe?: PreviewProbe;
}

/** The path (readiness when set) and probe timeout the project's deploys are gated on. */
export interface PreviewProbe {
  path: string;
  timeoutMs: number;
}

/** What removing one instance from the world needs. */
export interface PreviewRemoval {
  project: string;
  environment: string;
  instance: string;
  hostname: string;
  defaultHostname: string;
  /** The instance deployed most recently among those left: the default name's next target. */
  successor?: { instance: string; hostname: string };
  /**
   * The instances left, most recently deployed first: the default name moves
   * to the first that is routed (one whose first deploy has not served yet has
   * no route). Removals scheduled before it existed carry only `successor`.
   */
  successors?: Array<{ instance: string; hostname: string }>;
  /** When set, a default name moved to the successor is verified through the proxy. */
  probe?: PreviewProbe;
}

/** The coordinator's state, carried across continue-as-new. */
export interface PreviewState {
  settings: PreviewSettings;
  instances: PreviewInstance[];
  /** Removed, awaiting their removal from the world, with why. */
  removing: Array<{ instance: PreviewInstance; reason: string }>;
  /**
   * Deploys registered for a tag that have not said they ended: a removal
   * waits for them, so none puts a container or route back behind it.
   * Absent in states carried from before it existed.
   */
  inFlight?: Array<{ tag: string; deploymentId: string }>;
}

export interface RegisterRequest {
  settings: PreviewSettings;
  instance: PreviewInstance;
}

export type RegisterAnswer = { ok: true } | { ok: false; conflictWith: string };

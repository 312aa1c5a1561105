/** What `GET /v1/hosts` shows of a host's dockerd, as that host's worker sees it. */
export interface HostInfo {
  host: string;
  docker: { version: string; apiVersion: string; os: string; arch: string };
  /** Bytes Berth's images and containers take on the host; absent from workers before it existed. */
  disk?: { images: { count: number; bytes: number }; containers: { count: number; bytes: number } };
}

/** What `GET /v1/hosts` shows of a host's dockerd, as that host's worker sees it. */
export interface HostInfo {
  host: string;
  docker: { version: string; apiVersion: string; os: string; arch: string };
}

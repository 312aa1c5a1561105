/** `host:port`, with brackets for an IPv6 host. */
export function formatListen(listen: { host: string; port: number }): string {
  return listen.host.includes(':') ? `[${listen.host}]:${listen.port}` : `${listen.host}:${listen.port}`;
}

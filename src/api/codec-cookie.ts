import type { Request } from 'express';

/** The cookie a browser presents to the codec endpoint: the Web UI sends no bearer token of its own. */
export const codecCookie = 'berth_codec';

/** The token a codec request carries in `berth_codec`, or undefined; only paths under /codec/ honour it. */
export function codecCookieToken(req: Request): string | undefined {
  if (!req.path.startsWith('/codec/')) return undefined;
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === codecCookie) {
      try {
        return decodeURIComponent(value.join('='));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

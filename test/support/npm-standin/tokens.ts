import { createHmac, randomBytes } from 'node:crypto';

/** Token issue and check as NPM v2.15's models/token.js and internal/token.js answer them (HS256 here; the client never verifies). */
export class Tokens {
  private readonly key = randomBytes(32);
  /** Tokens issued before this instant count as expired: the test's way to let time pass. */
  private expiredBefore = 0;

  constructor(public lifetimeMs = 86_400_000) {}

  issue(userId: number): { token: string; expires: string } {
    const now = Date.now();
    const payload = { iss: 'api', attrs: { id: userId }, scope: ['user'], jti: randomBytes(9).toString('base64'), iat: Math.floor(now / 1000), iatMs: now, exp: Math.floor((now + this.lifetimeMs) / 1000) };
    const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    const signature = createHmac('sha256', this.key).update(`${head}.${body}`).digest('base64url');
    return { token: `${head}.${body}.${signature}`, expires: new Date(now + this.lifetimeMs).toISOString() };
  }

  /** NPM's answers: 403 "Permission Denied" without a token, 400 "Token has expired", 500 for a bad signature. */
  check(authorization: string | undefined): { userId: number } | { status: number; message: string } {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
    if (!token) return { status: 403, message: 'Permission Denied' };
    const [head, body, signature] = token.split('.');
    if (!body || createHmac('sha256', this.key).update(`${head}.${body}`).digest('base64url') !== signature) return { status: 500, message: 'Internal Error' };
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as { attrs: { id: number }; exp: number; iatMs: number };
    if (payload.exp * 1000 <= Date.now() || payload.iatMs < this.expiredBefore) return { status: 400, message: 'Token has expired' };
    return { userId: payload.attrs.id };
  }

  expireAll(): void {
    this.expiredBefore = Date.now() + 1;
  }
}

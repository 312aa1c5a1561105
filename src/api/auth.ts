import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Scope } from '../config/schema';
import { codecCookieToken } from './codec-cookie';
import { HttpError } from './http-error';

/** A token with its secret already resolved at start-up. */
export interface ApiToken extends TokenReach {
  name: string;
  value: string;
  scopes: Scope[];
}

/** The projects and environments a token is limited to; absent means every one. */
export interface TokenReach {
  projects?: string[];
  environments?: string[];
}

export interface Caller extends TokenReach {
  name: string;
  scopes: Scope[];
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Finds the caller by bearer token, comparing in constant time. */
export function authenticate(tokens: ApiToken[]): RequestHandler & { authenticates: true } {
  const known = tokens.map((token) => ({ ...token, hash: digest(token.value) }));
  const handler: RequestHandler = (req, res, next) => {
    const header = req.get('authorization') ?? '';
    // The Web UI's codec calls carry the token as a cookie (see codec-login.ts); nothing else honours it.
    const presented = header.match(/^Bearer\s+(\S+)$/i)?.[1] ?? (header === '' ? codecCookieToken(req) : undefined);
    if (!presented) {
      res.set('www-authenticate', 'Bearer');
      return next(new HttpError('unauthorized', 'a bearer token is required'));
    }
    const hash = digest(presented);
    const token = known.find((candidate) => timingSafeEqual(candidate.hash, hash));
    if (!token) return next(new HttpError('unauthorized', 'the bearer token is not valid'));
    res.locals.caller = { name: token.name, scopes: token.scopes, projects: token.projects, environments: token.environments } satisfies Caller;
    next();
  };
  // Marks where public routes end, for the route registry's test.
  return Object.assign(handler, { authenticates: true as const });
}

export function requireScope(scope: Scope): RequestHandler & { scope: Scope } {
  const handler: RequestHandler = (_req, res, next) => {
    const caller = res.locals.caller as Caller;
    if (!caller.scopes.includes(scope)) {
      return next(new HttpError('forbidden', `token "${caller.name}" lacks the "${scope}" scope`));
    }
    next();
  };
  // The route registry's test reads it to check each route asks for the scope it documents.
  return Object.assign(handler, { scope });
}

import { Router } from 'express';
import type { Caller } from './auth';
import { requireScope } from './auth';
import { codecCookie, codecCookieToken } from './codec-cookie';
import { requireUnlimited } from './token-reach';

const cookieMaxAgeS = 12 * 60 * 60;

const page = `<!doctype html>
<meta charset="utf-8"><title>Berth codec sign-in</title>
<h1>Decode Berth's payloads in the Temporal Web UI</h1>
<p>Paste a Berth token with the <code>read</code> scope. This browser then keeps it in a cookie that only
<code>/codec/</code> on this host receives, for 12 hours. In the Web UI's Codec Server settings, turn on
"Include cross-origin credentials".</p>
<form id="login"><input id="token" type="password" autocomplete="off" placeholder="token" size="50"> <button>Sign in</button></form>
<p id="result" role="status"></p>
<script>
document.getElementById('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const response = await fetch('/codec/login', { method: 'POST', headers: { authorization: 'Bearer ' + document.getElementById('token').value } });
  document.getElementById('result').textContent = response.ok ? 'Signed in: the Web UI can decode payloads now.' : 'Refused: ' + (await response.json()).error.message;
});
</script>
`;

/** `GET /codec/login`, a page without a token: where a person hands the browser a token for the codec. */
export function codecLoginPage(): Router {
  const router = Router();
  router.get('/codec/login', (_req, res) => {
    res.type('html').set('content-security-policy', "default-src 'none'; script-src 'unsafe-inline'; connect-src 'self'; form-action 'none'").send(page);
  });
  return router;
}

/** `POST /codec/login`: a read token that reaches every project becomes the browser's codec cookie. */
export function codecLogin(): Router {
  const router = Router();
  router.post('/codec/login', requireScope('read'), (req, res) => {
    requireUnlimited(res.locals.caller as Caller, 'the codec endpoint');
    const token = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? codecCookieToken(req) ?? '';
    // Strict: only pages of this site (the Web UI on another port of the same host) send it; HttpOnly: no script reads it.
    res.cookie(codecCookie, token, { httpOnly: true, sameSite: 'strict', path: '/codec', maxAge: cookieMaxAgeS * 1000 });
    res.json({ signedIn: (res.locals.caller as Caller).name, expiresInSeconds: cookieMaxAgeS });
  });
  return router;
}

// A real OpenID Provider (npm `oidc-provider`) on loopback, for the end-to-end
// tests that sign in to the Cosmian KMS. Started by tests/e2e/support/oidc.rs:
//
//   node oidc_provider.mjs <node_modules holding oidc-provider> <config.json>
//
// config.json:
//   { "issuer_port": 41001, "jwks_port": 41002,
//     "tls_cert": "/…/jwks-cert.pem", "tls_key": "/…/jwks-key.pem",
//     "client": { "client_id": "…", "client_secret": "…",
//                 "redirect_uris": ["http://127.0.0.1:<kms>/ui/callback"],
//                 "post_logout_redirect_uris": ["http://127.0.0.1:<kms>/ui/login"] },
//     "users": [{ "email": "alice@example.com", "password": "…" }],
//     "consent": true }
//
// What it serves, on 127.0.0.1 only:
// - http://127.0.0.1:<issuer_port>: the provider (issuer on plain http), with its
//   own login page (labels "Email" and "Password", button "Sign in"), consent
//   page (buttons "Allow" and "Deny"; skipped when "consent" is false) and
//   sign-out page (buttons "Sign out" and "Stay signed in");
// - https://127.0.0.1:<jwks_port>/jwks: the same signing keys (public part)
//   over https with the given certificate, because the KMS refuses an http
//   `--jwt-auth-provider` JWKS URI;
// - GET http://127.0.0.1:<issuer_port>/test-only/token?email=…[&expires_in=s][&aud=…]:
//   a JWT signed with the provider's key (iss = issuer, aud = the client id
//   unless `aud` is given, sub, email, exp = now + expires_in, default 3600 s),
//   so the harness can call the KMS as that user with `Authorization: Bearer`.
//   Any email is accepted (the KMS does not ask the provider who exists).
//
// Test-only adaptations, on purpose:
// - id tokens carry `email` (`conformIdTokenClaims: false`): the KMS reads the
//   user only from the id token's `email` claim;
// - the client authenticates with `client_secret_post` (what the KMS sends) and
//   PKCE (S256) is required (the KMS always sends it);
// - the KMS's `/ui/logout` sends `client_id` and Auth0's `returnTo` to the
//   logout URL, not the standard `post_logout_redirect_uri`: a `returnTo` that
//   is a registered post-logout redirect URI is passed on as
//   `post_logout_redirect_uri`, so a sign-out comes back to the KMS.
//
// Prints "OIDC provider ready: issuer <url> jwks <url>" once both servers listen.
// Each request is logged as "<method> <path without query> <status>".

import {
  createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [modulesDir, configPath] = process.argv.slice(2);
if (!modulesDir || !configPath) {
  console.error('usage: node oidc_provider.mjs <node_modules dir> <config.json>');
  process.exit(2);
}
const config = JSON.parse(readFileSync(configPath, 'utf8'));
const packageDir = join(modulesDir, 'oidc-provider');
const { main } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const { default: Provider } = await import(pathToFileURL(join(packageDir, main)).href);

const HOST = '127.0.0.1';
const issuer = `http://${HOST}:${config.issuer_port}`;
const jwksUrl = `https://${HOST}:${config.jwks_port}/jwks`;
const client = config.client;

// The users, by email; `sub` is opaque (not the email) so a test sees the KMS
// take the user from the `email` claim.
const subFor = (email) => `user-${createHash('sha256').update(email).digest('hex').slice(0, 16)}`;
const users = new Map(
  config.users.map(({ email, password }) => [email, { email, password, sub: subFor(email) }]),
);
const bySub = new Map([...users.values()].map((user) => [user.sub, user]));

// One RSA signing key, shared by the provider and the test-only token endpoint.
// Generated as PEM and read back: exporting as JWK the KeyObject that
// generateKeyPairSync returns can deadlock Node 20 when a garbage collection
// runs during the export (the key-generation job's destructor takes the lock
// the export holds; seen as a provider hung before "ready").
const privateKey = createPrivateKey(generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey);
const kid = randomBytes(8).toString('hex');
const privateJwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
const publicJwks = {
  keys: [{ kty: 'RSA', n: privateJwk.n, e: privateJwk.e, kid, alg: 'RS256', use: 'sig' }],
};

const escape = (text) => String(text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title, body) => `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${escape(title)} — test OpenID Provider</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main>
<h1>${escape(title)}</h1>
${body}
</main></body>
</html>`;

const loginPage = (uid, clientId, error, email) => page('Sign in', `
<p>Sign in to continue to ${escape(clientId)}.</p>
${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
  <p><label for="email">Email</label><br>
  <input id="email" name="email" type="email" autocomplete="username" value="${escape(email)}" required></p>
  <p><label for="password">Password</label><br>
  <input id="password" name="password" type="password" autocomplete="current-password" required></p>
  <p><button type="submit">Sign in</button></p>
</form>`);

const consentPage = (uid, clientId, email, scopes) => page('Allow access', `
<p>${escape(clientId)} asks to know who you are (${escape(email)}): ${escape(scopes.join(', '))}.</p>
<form method="post" action="/interaction/${escape(uid)}/confirm">
  <p><button type="submit">Allow</button></p>
</form>
<form method="post" action="/interaction/${escape(uid)}/abort">
  <p><button type="submit">Deny</button></p>
</form>`);

const provider = new Provider(issuer, {
  clients: [{
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: client.redirect_uris,
    post_logout_redirect_uris: client.post_logout_redirect_uris,
    token_endpoint_auth_method: 'client_secret_post',
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  jwks: { keys: [privateJwk] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  async findAccount(_ctx, sub) {
    const user = bySub.get(sub);
    if (!user) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, email: user.email, email_verified: true };
      },
    };
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page('Sign out', `
<p>Sign out of the test OpenID Provider?</p>
${form}
<p><button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button></p>
<p><button type="submit" form="op.logoutForm">Stay signed in</button></p>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Signed out', '<p>You are signed out of the test OpenID Provider.</p>');
      },
    },
  },
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 600,
    IdToken: 3600,
    Interaction: 3600,
    Session: 86400,
    Grant: 86400,
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Sign-in error', `<p role="alert">${escape(out.error)}: ${escape(out.error_description)}</p>`);
  },
});

const readForm = (req) => new Promise((resolve, reject) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => resolve(new URLSearchParams(body)));
  req.on('error', reject);
});

const send = (res, status, type, body) => {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
};

const base64url = (data) => Buffer.from(data).toString('base64url');

function mintToken(query) {
  const email = query.get('email');
  if (!email) return null;
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = Number(query.get('expires_in') ?? 3600);
  const header = { alg: 'RS256', typ: 'JWT', kid };
  const payload = {
    iss: issuer,
    aud: query.get('aud') ?? client.client_id,
    sub: users.get(email)?.sub ?? subFor(email),
    email,
    iat: now,
    exp: now + expiresIn,
  };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    send(res, 400, 'text/html; charset=utf-8', page('Sign-in error', '<p role="alert">This sign-in has expired: start again.</p>'));
    return;
  }
  const { prompt, params, session } = details;
  const clientId = params.client_id;
  if (action === 'abort') {
    await provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'The user denied access',
    }, { mergeWithLastSubmission: false });
    return;
  }
  if (prompt.name === 'login') {
    if (action === 'login' && req.method === 'POST') {
      const form = await readForm(req);
      const user = users.get(form.get('email') ?? '');
      if (!user || user.password !== form.get('password')) {
        send(res, 200, 'text/html; charset=utf-8', loginPage(uid, clientId, 'Wrong email or password.', form.get('email')));
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
      return;
    }
    send(res, 200, 'text/html; charset=utf-8', loginPage(uid, clientId, null, params.login_hint));
    return;
  }
  if (prompt.name === 'consent') {
    const grantDetails = prompt.details;
    if ((action === 'confirm' && req.method === 'POST') || config.consent === false) {
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId });
      if (grantDetails.missingOIDCScope) grant.addOIDCScope(grantDetails.missingOIDCScope.join(' '));
      if (grantDetails.missingOIDCClaims) grant.addOIDCClaims(grantDetails.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(grantDetails.missingResourceScopes ?? {})) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      return;
    }
    const email = bySub.get(session.accountId)?.email ?? session.accountId;
    send(res, 200, 'text/html; charset=utf-8', consentPage(uid, clientId, email, grantDetails.missingOIDCScope ?? []));
    return;
  }
  send(res, 501, 'text/plain; charset=utf-8', `prompt ${prompt.name} is not handled by the test provider`);
}

const providerCallback = provider.callback();

const issuerServer = http.createServer(async (req, res) => {
  const url = new URL(req.url, issuer);
  res.on('finish', () => console.log(`${req.method} ${url.pathname} ${res.statusCode}`));
  try {
    if (url.pathname === '/favicon.ico') {
      send(res, 204, 'image/x-icon', '');
      return;
    }
    if (req.method === 'GET' && url.pathname === '/test-only/token') {
      const token = mintToken(url.searchParams);
      if (token) send(res, 200, 'text/plain; charset=utf-8', token);
      else send(res, 400, 'text/plain; charset=utf-8', 'email is required');
      return;
    }
    const match = url.pathname.match(/^\/interaction\/([^/]+)(?:\/(login|confirm|abort))?$/);
    if (match) {
      await interaction(req, res, match[1], match[2]);
      return;
    }
    if (url.pathname === '/session/end' && url.searchParams.has('returnTo')
      && !url.searchParams.has('post_logout_redirect_uri')) {
      const returnTo = url.searchParams.get('returnTo');
      url.searchParams.delete('returnTo');
      if (client.post_logout_redirect_uris?.includes(returnTo)) {
        url.searchParams.set('post_logout_redirect_uri', returnTo);
      }
      req.url = `${url.pathname}?${url.searchParams}`;
    }
    providerCallback(req, res);
  } catch (error) {
    console.error(error);
    if (!res.headersSent) {
      send(res, 500, 'text/html; charset=utf-8', page('Sign-in error', `<p role="alert">${escape(error.message)}</p>`));
    }
  }
});

const jwksServer = https.createServer({
  cert: readFileSync(config.tls_cert),
  key: readFileSync(config.tls_key),
}, (req, res) => {
  const { pathname } = new URL(req.url, jwksUrl);
  res.on('finish', () => console.log(`(https) ${req.method} ${pathname} ${res.statusCode}`));
  if (req.method === 'GET' && pathname === '/jwks') {
    send(res, 200, 'application/json', JSON.stringify(publicJwks));
  } else {
    send(res, 404, 'text/plain; charset=utf-8', 'not found');
  }
});

const listen = (server, port) => new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, HOST, resolve);
});

await listen(issuerServer, config.issuer_port);
await listen(jwksServer, config.jwks_port);
console.log(`OIDC provider ready: issuer ${issuer} jwks ${jwksUrl}`);

// Ends with its process group (the harness kills it); also on a plain signal.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}

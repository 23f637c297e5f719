// A local identity provider built like FranceConnect v2, for permis2d's demo and tests.
//
// Why: the portal must speak to FranceConnect exactly as it would to the real one, and the real
// one cannot be reached from a test machine. FranceConnect's core runs panva's oidc-provider, so
// this stand-in runs the same engine, configured with what FranceConnect v2 asks of a service
// provider (docs.partenaires.franceconnect.gouv.fr, "Fournisseur de service", v2):
//   - paths under /api/v2 (discovery at /api/v2/.well-known/openid-configuration);
//   - authorization code flow only; `state` and `nonce` required, the nonce at least 22
//     characters; `acr_values=eidas1`;
//   - one scope per claim (given_name family_name birthdate birthplace birthcountry gender
//     preferred_username email); `sub` pairwise;
//   - token endpoint authentication `client_secret_post` only;
//   - ID token and userinfo signed ES256; userinfo answers `application/jwt`;
//   - tokens live 60 s;
//   - end_session requires `id_token_hint` and a registered `post_logout_redirect_uri`.
// Never part of a production deployment: identities and the client secret are test data.
//
// Configuration (environment; `permis2d serve franceconnect-sim` sets them):
//   FC_SIM_HOST (127.0.0.1), FC_SIM_PORT (8002), FC_SIM_PUBLIC_URL (http://HOST:PORT),
//   PERMIS2D_ISSUER_URL (the portal, http://127.0.0.1:8000), FC_SIM_CLIENT_ID,
//   FC_SIM_CLIENT_SECRET, FC_SIM_IDENTITIES (identities.json beside this file).

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import Provider from 'oidc-provider';

import { loginPage, messagePage, logoutPage } from './pages.mjs';
import { authorizeRefusal, endSessionRefusal } from './checks.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const env = process.env;
const host = env.FC_SIM_HOST || '127.0.0.1';
const port = Number(env.FC_SIM_PORT || 8002);
const publicUrl = (env.FC_SIM_PUBLIC_URL || `http://${host}:${port}`).replace(/\/$/, '');
const portalUrl = (env.PERMIS2D_ISSUER_URL || 'http://127.0.0.1:8000').replace(/\/$/, '');
const clientId = env.FC_SIM_CLIENT_ID || 'permis2d-portal-dev';
const clientSecret = env.FC_SIM_CLIENT_SECRET
  || 'permis2d-portal-dev-secret-not-for-production-use';
const identitiesFile = env.FC_SIM_IDENTITIES || path.join(here, 'identities.json');

export const MOUNT = '/api/v2';
const CLAIM_SCOPES = ['given_name', 'family_name', 'birthdate', 'birthplace', 'birthcountry',
  'gender', 'preferred_username', 'email'];

// Tests may register a second service provider ("id:secret"), to obtain ID tokens that are
// genuine but meant for another audience.
const secondClient = env.FC_SIM_SECOND_CLIENT ? env.FC_SIM_SECOND_CLIENT.split(':') : null;

const identities = JSON.parse(readFileSync(identitiesFile, 'utf8')).identities;
const byLogin = new Map(identities.map((identity) => [identity.login, identity]));

/** Compare two strings in constant time (a login form must not leak by timing). */
function sameSecret(given, expected) {
  const a = createHash('sha256').update(String(given)).digest();
  const b = createHash('sha256').update(String(expected)).digest();
  return timingSafeEqual(a, b);
}

const { privateKey } = await crypto.subtle.generateKey(
  { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'],
);
const signingKey = await crypto.subtle.exportKey('jwk', privateKey);
// WebCrypto marks the exported key for signing only; the provider also verifies with it (an
// end_session request's id_token_hint), so keep just the JWK members a signing key needs.
delete signingKey.key_ops;
delete signingKey.ext;
Object.assign(signingKey, { kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'ES256' });
const pairwiseSalt = randomBytes(16).toString('hex');

const provider = new Provider(`${publicUrl}${MOUNT}`, {
  clients: [[clientId, clientSecret], ...(secondClient ? [secondClient] : [])].map(([id, secret]) => ({
    client_id: id,
    client_secret: secret,
    client_name: 'permis2d (portail de démonstration)',
    redirect_uris: [`${portalUrl}/connexion/franceconnect/retour`],
    post_logout_redirect_uris: [`${portalUrl}/connexion`, `${portalUrl}/`],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: 'ES256',
    userinfo_signed_response_alg: 'ES256',
    subject_type: 'pairwise',
  })),
  clientAuthMethods: ['client_secret_post'],
  jwks: { keys: [signingKey] },
  enabledJWA: { idTokenSigningAlgValues: ['ES256'], userinfoSigningAlgValues: ['ES256'] },
  responseTypes: ['code'],
  subjectTypes: ['pairwise'],
  acrValues: ['eidas1'],
  scopes: ['openid', ...CLAIM_SCOPES],
  claims: Object.fromEntries([['openid', ['sub']], ...CLAIM_SCOPES.map((c) => [c, [c]])]),
  routes: {
    authorization: '/authorize',
    token: '/token',
    userinfo: '/userinfo',
    end_session: '/session/end',
    jwks: '/jwks',
  },
  pkce: { required: () => false },
  ttl: {
    AccessToken: 60, IdToken: 60, AuthorizationCode: 60, Interaction: 600, Session: 600,
    Grant: 600,
  },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  features: {
    devInteractions: { enabled: false },
    userinfo: { enabled: true },
    jwtUserinfo: { enabled: true },
    revocation: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => { ctx.body = logoutPage(form); },
      postLogoutSuccessSource: async (ctx) => {
        ctx.body = messagePage('Déconnecté', 'Vous êtes déconnecté de FranceConnect (simulation).');
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const identity = byLogin.get(id);
    if (!identity) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...identity.claims }) };
  },
  async pairwiseIdentifier(ctx, accountId, client) {
    // FranceConnect's sub differs per service provider and cannot be linked across them.
    return createHash('sha256')
      .update(`${client.sectorIdentifier}|${accountId}|${pairwiseSalt}`)
      .digest('hex') + 'v1';
  },
  async loadExistingGrant(ctx) {
    // The holder's consent is given on FranceConnect's own screen; here every requested scope of
    // the one registered client is granted after the login, so there is no consent step.
    const { session, client, params } = ctx.oidc;
    const existing = session.grantIdFor(client.clientId);
    if (existing) return ctx.oidc.provider.Grant.find(existing);
    const grant = new ctx.oidc.provider.Grant({ accountId: session.accountId, clientId: client.clientId });
    grant.addOIDCScope(String(params.scope || 'openid'));
    await grant.save();
    return grant;
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = messagePage('Erreur', `${out.error}: ${out.error_description || ''}`);
  },
});

// FranceConnect's own refusals, before oidc-provider sees the request.
provider.use(async (ctx, next) => {
  if (ctx.path === '/token' && ctx.get('authorization')) {
    // FranceConnect v2 authenticates service providers by client_secret_post only.
    ctx.status = 401;
    ctx.body = { error: 'invalid_client', error_description: 'client_secret_post is the only client authentication method' };
    return;
  }
  const refusal = ctx.path === '/authorize'
    ? authorizeRefusal(ctx.query, { clientIds: [clientId, secondClient?.[0]], redirectUris: [`${portalUrl}/connexion/franceconnect/retour`] })
    : ctx.path === '/session/end' ? endSessionRefusal({ ...ctx.query, ...(ctx.request.body || {}) }, ctx.method) : null;
  if (refusal?.redirect) {
    ctx.redirect(refusal.redirect);
    return;
  }
  if (refusal) {
    ctx.status = 400;
    ctx.type = 'html';
    ctx.body = messagePage('Requête refusée', refusal.message);
    return;
  }
  await next();
});

/** Read an application/x-www-form-urlencoded body (bounded). */
function readForm(req) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > 16 * 1024) { reject(new Error('body too large')); req.destroy(); return; }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

function send(res, status, html) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; style-src 'self'; form-action 'self' " + portalUrl + "; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
  });
  res.end(html);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) { send(res, 400, messagePage('Erreur', 'Interaction inconnue.')); return; }
  if (req.method === 'GET' && !action) {
    send(res, 200, loginPage(uid, { client: details.params.client_id }));
    return;
  }
  if (req.method === 'POST' && action === 'abort') {
    await provider.interactionFinished(req, res, {
      error: 'access_denied', error_description: "L'usager a annulé la connexion.",
    }, { mergeWithLastSubmission: false });
    return;
  }
  if (req.method === 'POST' && action === 'login') {
    const form = await readForm(req);
    const identity = byLogin.get(form.get('login') || '');
    const ok = sameSecret(form.get('password') || '', identity ? identity.password : randomBytes(16).toString('hex'));
    if (!identity || !ok) {
      send(res, 401, loginPage(uid, { error: 'Identifiant ou mot de passe incorrect.', login: form.get('login') || '' }));
      return;
    }
    // An identity may carry "acr": null (a test identity whose ID token has no acr).
    const acr = identity.acr === undefined ? 'eidas1' : identity.acr;
    const login = { accountId: identity.login, amr: ['pwd'], ...(acr ? { acr } : {}) };
    await provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
    return;
  }
  send(res, 405, messagePage('Erreur', 'Méthode non permise.'));
}

const staticFiles = { '/static/sim.css': ['text/css', readFileSync(path.join(here, 'static', 'sim.css'))],
  '/static/logout.js': ['text/javascript', readFileSync(path.join(here, 'static', 'logout.js'))] };

const oidc = provider.callback();
const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, publicUrl);
    if (url.pathname === MOUNT || url.pathname.startsWith(`${MOUNT}/`)) {
      req.originalUrl = req.url;
      req.url = req.url.slice(MOUNT.length) || '/';
      oidc(req, res);
      return;
    }
    const match = url.pathname.match(/^\/interaction\/([\w-]+)(?:\/(login|abort))?$/);
    if (match) { await interaction(req, res, match[1], match[2]); return; }
    if (staticFiles[url.pathname]) {
      const [type, body] = staticFiles[url.pathname];
      res.writeHead(200, { 'content-type': type, 'cache-control': 'max-age=3600' });
      res.end(body);
      return;
    }
    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', issuer: `${publicUrl}${MOUNT}`, identities: identities.length }));
      return;
    }
    send(res, 404, messagePage('Introuvable', "Cette page n'existe pas."));
  } catch (error) {
    if (!res.headersSent) send(res, 400, messagePage('Erreur', 'La session de connexion a expiré ou est invalide. Recommencez depuis le service.'));
    else res.end();
    if (!(error?.name === 'SessionNotFound')) console.error(`franceconnect-sim: ${error?.message || error}`);
  }
});
server.headersTimeout = 10_000;
server.requestTimeout = 30_000;
server.on('error', (error) => {
  console.error(`franceconnect-sim: cannot listen on ${host}:${port}: ${error.message}`);
  process.exit(1);
});
server.listen(port, host, () => {
  const address = server.address();
  console.log(`franceconnect-sim: listening on http://${host}:${address.port}${MOUNT} (client ${clientId}, portal ${portalUrl})`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));

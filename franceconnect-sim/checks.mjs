// What FranceConnect v2 refuses before the OpenID Connect engine runs (its partner documentation):
// an authorization request without `state`, without a `nonce` of at least 22 characters, or
// without `acr_values=eidas1`; an end_session request without `id_token_hint`, `state` and
// `post_logout_redirect_uri`. Pure functions: the query in, a refusal (or null) out.

const MIN_NONCE = 22;

/**
 * Judge an authorization request. Returns null to let it through, `{redirect}` to send the error
 * back to the service provider (only to a registered redirect URI, as OAuth 2.0 §4.1.2.1 wants), or
 * `{message}` to show an error page when the redirect URI cannot be trusted.
 */
export function authorizeRefusal(query, { clientIds, redirectUris }) {
  if (!clientIds.includes(query.client_id) || !redirectUris.includes(query.redirect_uri)) return null;
  let problem = null;
  if (!query.state) problem = 'state is required';
  else if (!query.nonce || String(query.nonce).length < MIN_NONCE) {
    problem = `nonce is required and must be at least ${MIN_NONCE} characters`;
  } else if (!String(query.acr_values || '').split(' ').includes('eidas1')) {
    problem = 'acr_values must be eidas1';
  }
  if (!problem) return null;
  const target = new URL(query.redirect_uri);
  target.searchParams.set('error', 'invalid_request');
  target.searchParams.set('error_description', problem);
  if (query.state) target.searchParams.set('state', query.state);
  return { redirect: target.href };
}

/** Judge an end_session request: FranceConnect requires all three parameters. */
export function endSessionRefusal(params, method) {
  if (method !== 'GET') return null; // the confirmation form posts back with its own token
  for (const name of ['id_token_hint', 'state', 'post_logout_redirect_uri']) {
    if (!params[name]) return { message: `La déconnexion demande le paramètre ${name}.` };
  }
  return null;
}

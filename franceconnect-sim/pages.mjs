// The few pages the simulated FranceConnect shows: its login form, its logout step and messages.
// Every page carries the « FranceConnect (simulation) » banner so nobody mistakes it for the
// real service; the look is our own (no State brand assets).

const escapes = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => escapes[c]);

function layout(title, body, { script } = {}) {
  return `<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} — FranceConnect (simulation)</title>
<link rel="stylesheet" href="/static/sim.css">
${script ? `<script src="${script}" defer></script>` : ''}
</head>
<body>
<div class="banner" role="note">FranceConnect (simulation) — fournisseur d'identité de test, jamais le vrai service</div>
<main>
<h1>${esc(title)}</h1>
${body}
</main>
</body>
</html>`;
}

export function loginPage(uid, { error = '', login = '' } = {}) {
  const alert = error ? `<p class="error" role="alert" id="login-error">${esc(error)}</p>` : '';
  return layout('Connexion', `
${alert}
<p>Choisissez une identité de test (voir <code>identities.json</code>).</p>
<form method="post" action="/interaction/${esc(uid)}/login" autocomplete="off">
  <label for="login">Identifiant</label>
  <input id="login" name="login" value="${esc(login)}" required autofocus${error ? ' aria-describedby="login-error"' : ''}>
  <label for="password">Mot de passe</label>
  <input id="password" name="password" type="password" required>
  <button type="submit">Se connecter</button>
</form>
<form method="post" action="/interaction/${esc(uid)}/abort">
  <button type="submit" class="secondary">Annuler et revenir au service</button>
</form>`);
}

export function messagePage(title, text) {
  return layout(title, `<p>${esc(text)}</p>`);
}

export function logoutPage(form) {
  // `form` is oidc-provider's hidden form (id "op.logoutForm", with its anti-forgery token).
  // FranceConnect does not ask the user to confirm: the script submits it at once, and the
  // button stays for browsers without JavaScript.
  return layout('Déconnexion', `${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" id="logout-confirm">Se déconnecter de FranceConnect</button>`,
  { script: '/static/logout.js' });
}

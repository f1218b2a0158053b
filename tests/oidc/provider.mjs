// A local OpenID Connect provider for the sign-in browser test (tests/browser/test_sign_in_oidc.py).
//
// node tests/oidc/provider.mjs --port 9100 --redirect-uri http://127.0.0.1:8501/oauth2callback
//
// Settings come from CLI flags or the environment (flags win):
//   --port          OIDC_PORT           port on 127.0.0.1 (0: any free one; the ready line says which)
//   --redirect-uri  OIDC_REDIRECT_URI   the app's http://127.0.0.1:<port>/oauth2callback (repeatable, comma list)
//   --client-id     OIDC_CLIENT_ID      default "cx-insight"
//   --client-secret OIDC_CLIENT_SECRET  default "cx-insight-test-secret"
//
// Prints one line `OIDC provider ready at http://127.0.0.1:<port>` on stdout once it listens; stops on SIGTERM.
//
// oidc-provider 8.8.1: the newest release that supports Node 18 and 20 (9.x asks for Node 22 or later).
// The sign-in form is oidc-provider's built-in development one (devInteractions): any password is accepted, the
// login must be one of ACCOUNTS below, then a consent page ("Continue"). Plain http on 127.0.0.1 only: the issuer
// is http://127.0.0.1:<port>, cookies are not `secure` (Koa sees no TLS), and nothing listens on other addresses.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
  },
});

const port = Number(args.port ?? process.env.OIDC_PORT ?? 0);
const redirectUris = (args['redirect-uri'] ?? (process.env.OIDC_REDIRECT_URI ?? '').split(','))
  .flatMap((uri) => uri.split(',')).map((uri) => uri.trim()).filter(Boolean);
const clientId = args['client-id'] ?? process.env.OIDC_CLIENT_ID ?? 'cx-insight';
const clientSecret = args['client-secret'] ?? process.env.OIDC_CLIENT_SECRET ?? 'cx-insight-test-secret';
if (redirectUris.length === 0) {
  console.error('give the app\'s redirect URI: --redirect-uri http://127.0.0.1:<port>/oauth2callback');
  process.exit(2);
}

// The people who can sign in: the login typed in the dev form is the `sub`.
const ACCOUNTS = {
  ana: {
    name: 'Ana Analyst', given_name: 'Ana', family_name: 'Analyst', email: 'ana@example.test',
    email_verified: true, groups: ['cx-analysts'],
  },
  ada: {
    name: 'Ada Admin', given_name: 'Ada', family_name: 'Admin', email: 'ada@example.test',
    email_verified: true, groups: ['cx-admins', 'cx-analysts'],
  },
  vic: {
    name: 'Vic Viewer', given_name: 'Vic', family_name: 'Viewer', email: 'vic@example.test',
    email_verified: true, groups: [],
  },
};

const page = (title, body) => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head>
<body><h1>${title}</h1>${body}</body></html>`;

function build(issuer) {
  return new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      // Streamlit's st.logout sends the same /oauth2callback as post_logout_redirect_uri.
      post_logout_redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    async findAccount(ctx, sub) {
      const account = ACCOUNTS[sub];
      if (!account) return undefined;
      return { accountId: sub, async claims() { return { sub, ...account }; } };
    },
    // `groups` is its own scope (as at Okta); the app asks for it through [auth] client_kwargs.scope.
    claims: {
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name'],
      email: ['email', 'email_verified'],
      groups: ['groups'],
    },
    scopes: ['openid', 'profile', 'email', 'groups'],
    // Streamlit (Authlib) reads the person from the ID token only, never from /userinfo: put the scopes' claims
    // into the ID token (oidc-provider's default keeps them for /userinfo when an access token is issued too).
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // Plain pages (the built-in ones @import a Google font, which an offline browser waits for).
        async logoutSource(ctx, form) {
          ctx.body = page('Sign out', `${form}<button autofocus type="submit" form="op.logoutForm" value="yes"
            name="logout">Yes, sign me out</button><button type="submit" form="op.logoutForm">No, stay signed in</button>`);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.body = page('Signed out', '<p>You are signed out.</p>');
        },
      },
    },
    cookies: { keys: ['cx-insight-test-oidc-cookie-key'] },
    // No `jwks`: oidc-provider makes a fresh signing key per start (with a warning), enough for a test run.
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('OIDC error', `<pre>${JSON.stringify(out, null, 2).replace(/</g, '&lt;')}</pre>`);
    },
  });
}

const server = createServer();
server.listen(port, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = build(issuer);
  provider.on('server_error', (ctx, error) => console.error('server_error', error));
  server.on('request', provider.callback());
  console.log(`OIDC provider ready at ${issuer}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();  // the browser's keep-alive connections would hold close() open
  });
}

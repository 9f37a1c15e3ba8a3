// A real OpenID provider (the `oidc-provider` package) on 127.0.0.1 for tests and e2e runs: its
// development login form takes any account id as the login (any password), and the accounts
// below decide the claims. Not a fake of Tollgate's code: the sign-in runs the full OpenID flow.
import { createServer } from "node:http";
import Provider from "oidc-provider";

export const OIDC_CLIENT = { id: "tollgate-test", secret: "tollgate-test-client-secret-0123456789" };

/** Claims per login: ids not listed get a verified address at example.test. */
export const OIDC_ACCOUNTS = {
  "oidc-admin": {
    email: "oidc-admin@idp.test",
    email_verified: true,
    name: "Olga Admin",
    groups: ["Platform", "tollgate-admins"],
  },
  "oidc-user": { email: "oidc-user@idp.test", email_verified: true, name: "Otto User", groups: ["Research"] },
  "oidc-unverified": { email: "oidc-unverified@idp.test", email_verified: false, name: "Una Verified", groups: [] },
};

/**
 * @param {{ redirectUris: string[] }} options
 * @returns {Promise<{ issuer: string; close: () => Promise<void> }>}
 */
export async function startOidcProvider({ redirectUris }) {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: OIDC_CLIENT.id,
        client_secret: OIDC_CLIENT.secret,
        redirect_uris: redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "groups"] },
    // next-auth reads the ID token's claims: put them there, not only behind the userinfo endpoint.
    conformIdTokenClaims: false,
    cookies: { keys: ["oidc-test-cookie-key"] },
    async findAccount(_ctx, id) {
      const claims = OIDC_ACCOUNTS[id] ?? { email: `${id}@example.test`, email_verified: true, name: id, groups: [] };
      return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
    },
  });
  provider.on("server_error", (_ctx, err) => console.error("[oidc-provider]", err));
  server.on("request", provider.callback());
  return { issuer, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

// /api/auth/* – next-auth's own endpoints (session, csrf, providers, sign-in with credentials or OpenID Connect, callback, sign-out).
import { withPublic } from "@/lib/api/handler";
import { nextAuthRoute } from "@/lib/auth/next-auth-route";

// Wrapped like every other route: a POST that carries cookies must come from our own pages. next-auth's
// double-submit CSRF token alone does not stop a page on another port of this host, which can set
// the token's cookie for us (cookies do not keep ports apart) and post a matching token — signing
// the victim out, or into the attacker's account. The token is still required on top.
const handler = withPublic<{ nextauth: string[] }>(async ({ req, params }) => nextAuthRoute(req, params.nextauth));

export { handler as GET, handler as POST };

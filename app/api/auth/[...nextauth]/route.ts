// /api/auth/* – next-auth's own endpoints (session, csrf, providers, sign-in with credentials or OpenID Connect, callback, sign-out).
import { nextAuthRoute } from "@/lib/auth/next-auth-route";

type Context = { params: Promise<{ nextauth: string[] }> };

async function handler(req: Request, ctx: Context) {
  return nextAuthRoute(req, (await ctx.params).nextauth);
}

export { handler as GET, handler as POST };

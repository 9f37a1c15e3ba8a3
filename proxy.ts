// Runs before every page (not the APIs or the build's static files) and only sets headers or
// answers 404; authorization stays in the route handlers.
// - A fresh CSP nonce per page view (Next.js reads it from the request's Content-Security-Policy and
//   puts it on its own scripts); pages are rendered per request for it (app/layout.tsx).
// - Strict-Transport-Security when APP_URL is https.
// - The page's path, for a page that needs a session to come back to after sign-in (lib/auth/page-path.ts).
// - DISABLE_UI=true: only the APIs are served. Every other path (pages, the chat app, the
//   dashboard, /docs) answers 404 here, before any page renders.
import { type NextRequest, NextResponse } from "next/server";
import { PAGE_PATH_HEADER } from "@/lib/auth/page-path";
import { isEnvFlagSet } from "@/lib/config/flags";
import { contentSecurityPolicy, transportSecurity } from "./security-headers.mjs";

export function proxy(request: NextRequest) {
  const hsts = transportSecurity();
  if (isEnvFlagSet(process.env.DISABLE_UI)) {
    const res = NextResponse.json(
      {
        error: {
          code: "not_found",
          message: `${request.nextUrl.pathname} is not served: the web UI is disabled (DISABLE_UI=true); the API is under /api, /v1 and /compat`,
        },
      },
      { status: 404 },
    );
    if (hsts) res.headers.set("strict-transport-security", hsts);
    return res;
  }
  const nonce = btoa(crypto.randomUUID());
  const csp = contentSecurityPolicy({ nonce, dev: process.env.NODE_ENV === "development" });
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", csp);
  headers.set("x-nonce", nonce);
  headers.set(PAGE_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set("content-security-policy", csp);
  if (hsts) res.headers.set("strict-transport-security", hsts);
  return res;
}

export const config = {
  // Everything except the APIs (/api/**, /v1/** which next.config.mjs rewrites to /api/v1/**, and
  // the seed systems' APIs under /compat/**) and the build's static files (nothing to hide).
  matcher: ["/((?!api/|api$|v1/|v1$|compat/|_next/static/|_next/image).*)"],
};

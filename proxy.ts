// DISABLE_UI=true: only the APIs are served. Every other path (pages, the chat app, the dashboard,
// /docs) answers 404 here, before any page renders. Authorization stays in the route handlers.
import { NextResponse, type NextRequest } from "next/server";
import { isEnvFlagSet } from "@/lib/config/flags";

export function proxy(request: NextRequest) {
  if (!isEnvFlagSet(process.env.DISABLE_UI)) return NextResponse.next();
  return NextResponse.json(
    { error: { code: "not_found", message: `${request.nextUrl.pathname} is not served: the web UI is disabled (DISABLE_UI=true); the API is under /api, /v1 and /compat` } },
    { status: 404 },
  );
}

export const config = {
  // Everything except the APIs (/api/**, /v1/** which next.config.mjs rewrites to /api/v1/**, and
  // the seed systems' APIs under /compat/**) and the build's static files (nothing to hide).
  matcher: ["/((?!api/|api$|v1/|v1$|compat/|_next/static/|_next/image).*)"],
};

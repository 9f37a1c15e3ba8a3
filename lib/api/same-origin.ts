import "server-only";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";

// Cross-site request forgery: a page on another site (or another port of this host — SameSite=Lax
// treats those as the same site) can make the browser send a request with our session cookie. So
// every cookie-authenticated change must come from one of our own pages: its Origin (or, when a
// browser sends none, its Referer) must be APP_URL's origin — the request's own host when APP_URL is
// unset — or one listed in TRUSTED_ORIGINS. `Origin: null` (sandboxed frames, file: pages) and a
// request with neither header are refused: every browser sends Origin on a POST, PATCH or DELETE.
// Requests authenticated by a bearer token are not affected: a foreign page cannot attach one.

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const changesState = (req: Request): boolean => !SAFE_METHODS.has(req.method.toUpperCase());

/** A request a browser may have sent on its own: it carries cookies and no Authorization header. */
export const carriesAmbientCredentials = (req: Request): boolean =>
  !req.headers.has("authorization") && !req.headers.has("x-api-key") && req.headers.has("cookie");

function requestOrigin(req: Request): string | null {
  const origin = req.headers.get("origin");
  if (origin !== null) return origin;
  const referer = req.headers.get("referer");
  if (!referer || !URL.canParse(referer)) return null;
  return new URL(referer).origin;
}

function isOwnOrigin(origin: string, req: Request): boolean {
  const cfg = config();
  if (cfg.trustedOrigins.includes(origin)) return true;
  if (cfg.appOrigin) return origin === cfg.appOrigin;
  if (!URL.canParse(origin)) return false;
  // No APP_URL: the host the browser addressed (host and port; scheme is not part of Host).
  const host = req.headers.get("host") ?? new URL(req.url).host;
  return new URL(origin).host === host.toLowerCase();
}

/** Throws 403 unless the request comes from one of our own pages. */
export function assertSameOriginOrThrow(req: Request): void {
  const origin = requestOrigin(req);
  if (origin === null)
    throw new AppError(
      "forbidden",
      "Cross-site request refused: a cookie-authenticated change must carry an Origin header",
    );
  if (origin === "null" || !isOwnOrigin(origin, req)) {
    throw new AppError(
      "forbidden",
      `Cross-site request refused: origin ${origin.slice(0, 100)} may not make changes with this session (see APP_URL / TRUSTED_ORIGINS)`,
    );
  }
}

// Security headers. Pages get their Content-Security-Policy from proxy.ts, per request, with a
// fresh nonce: only scripts carrying it run ('strict-dynamic' lets them load their own chunks), so a
// script injected into a page does not run even if escaping ever fails. Everything else (the
// APIs, static files, scripts/serve.mjs's direct gateway path) gets SECURITY_HEADERS from
// next.config.mjs, whose policy runs no inline script at all. No framing, no MIME sniffing.

/**
 * The policy; with a nonce for a rendered page, without one (no inline scripts) for everything else.
 * @param {{ nonce?: string; dev?: boolean }} [options]
 * @returns {string}
 */
export function contentSecurityPolicy({ nonce, dev = false } = {}) {
  const scripts = nonce ? ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"] : ["'self'"];
  // React's development build evaluates code for its error overlay; production never does.
  if (dev) scripts.push("'unsafe-eval'");
  return [
    "default-src 'self'",
    `script-src ${scripts.join(" ")}`,
    // Inline style attributes (React's style={…}) cannot carry a nonce; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * Strict-Transport-Security when the app is served over https (APP_URL, or NEXTAUTH_URL); null otherwise.
 * @param {Record<string, string | undefined>} [env]
 * @returns {string | null}
 */
export function transportSecurity(env = process.env) {
  const url = env.APP_URL || env.NEXTAUTH_URL || "";
  return url.startsWith("https://") ? "max-age=63072000; includeSubDomains" : null;
}

/** The policy for everything that is not a page (pages get theirs, with a nonce, from proxy.ts). */
export const STATIC_CSP = { key: "Content-Security-Policy", value: contentSecurityPolicy() };

export const SECURITY_HEADERS = [
  STATIC_CSP,
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
];

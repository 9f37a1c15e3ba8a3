/** @type {import('next').NextConfig} */

import { SECURITY_HEADERS, STATIC_CSP } from "./security-headers.mjs";

const nextConfig = {
  output: "standalone",
  poweredByHeader: false,
  // Pages and routes are loaded when first asked for, not all at start: ~16 MB less resident memory
  // on an API-only server.
  experimental: { preloadEntriesOnStart: false },
  serverExternalPackages: ["@prisma/schema-engine-wasm", "@electric-sql/pglite", "pino"],
  async rewrites() {
    return [{ source: "/v1/:path*", destination: "/api/v1/:path*" }];
  },
  async headers() {
    // Pages get their Content-Security-Policy, with a per-request nonce, from proxy.ts; the rest
    // (APIs, static files) the nonce-less one here, which runs no inline script.
    const everyPath = SECURITY_HEADERS.filter((h) => h !== STATIC_CSP);
    return [
      { source: "/:path*", headers: everyPath },
      ...["/api", "/api/:path*", "/v1/:path*", "/_next/:path*"].map((source) => ({ source, headers: [STATIC_CSP] })),
    ];
  },
};

export default nextConfig;

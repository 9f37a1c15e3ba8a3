/** @type {import('next').NextConfig} */

import { SECURITY_HEADERS } from "./security-headers.mjs";

const nextConfig = {
  output: "standalone",
  poweredByHeader: false,
  serverExternalPackages: ["@prisma/schema-engine-wasm", "@electric-sql/pglite", "pino"],
  async rewrites() {
    return [{ source: "/v1/:path*", destination: "/api/v1/:path*" }];
  },
  async headers() {
    return [{ source: "/:path*", headers: SECURITY_HEADERS }];
  },
};

export default nextConfig;

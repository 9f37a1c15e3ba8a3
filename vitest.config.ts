import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // Next's guard against importing server code into the browser; tests run server code directly.
      "server-only": path.resolve(import.meta.dirname, "test/setup/server-only-stub.ts"),
    },
  },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/setup/global.ts"],
    setupFiles: ["test/setup/database.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The fake upstreams listen on 127.0.0.1, which the outbound policy refuses unless allowed.
    env: { NODE_ENV: "test", OUTBOUND_ALLOW: "127.0.0.1" },
  },
});

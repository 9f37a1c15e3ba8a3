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
    // Each file still gets a fresh worker (isolate), but a worker thread costs less to start than a
    // forked process: the embedded suite alone took 423 s and 420 s of CPU in threads against 504 s
    // and 567 s forked (2 cores, one worker). CI runs two lanes on two cores, so CPU is its time. No
    // test needs a process of its own (none calls chdir or exit).
    pool: "threads",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The fake upstreams listen on 127.0.0.1, which the outbound policy refuses unless allowed.
    env: { NODE_ENV: "test", OUTBOUND_ALLOW: "127.0.0.1" },
  },
});

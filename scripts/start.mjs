// npm start: build once if there is no production build yet, then serve it.
// Migrations, configuration checks and the first admin happen inside the server at start-up
// (instrumentation.ts), so `npm install && npm start` is all a fresh machine needs.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { serverProcess } from "./server-process.mjs";

const next = "node_modules/next/dist/bin/next";
if (!existsSync(".next/BUILD_ID")) {
  console.log("No production build yet: running `next build` once (this takes a minute or two)…");
  const build = spawnSync(process.execPath, [next, "build"], {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
// scripts/serve.mjs: Next.js, with gateway calls handed straight to their route handler.
// Tollgate drains open streams and writes its records on SIGTERM itself (lib/shutdown.ts).
const node = serverProcess({ ...process.env, NEXT_TELEMETRY_DISABLED: "1", NEXT_MANUAL_SIG_HANDLE: "true" });
const args = [...node.args, "scripts/serve.mjs", "--port", process.env.PORT || "3000"];
const server = spawn(process.execPath, args, { stdio: "inherit", env: node.env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

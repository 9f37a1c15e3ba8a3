// npm start: build once if there is no production build yet, then serve it.
// Migrations, configuration checks and the first admin happen inside the server at start-up
// (instrumentation.ts), so `npm install && npm start` is all a fresh machine needs.
import { spawn } from "node:child_process";
import { buildIfNeeded } from "./lib/server.mjs";
import { serverProcess } from "./server-process.mjs";

await buildIfNeeded((message) => console.log(message));
// scripts/serve.mjs: Next.js, with gateway calls handed straight to their route handler.
// Tollgate drains open streams and writes its records on SIGTERM itself (lib/shutdown.ts).
const node = serverProcess({ ...process.env, NEXT_TELEMETRY_DISABLED: "1", NEXT_MANUAL_SIG_HANDLE: "true" });
const args = [...node.args, "scripts/serve.mjs", "--port", process.env.PORT || "3000"];
const server = spawn(process.execPath, args, { stdio: "inherit", env: node.env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

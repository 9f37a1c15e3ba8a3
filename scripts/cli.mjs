#!/usr/bin/env node
// `npx tollgate …`: runs scripts/cli.ts with tsx from the package root, so the CLI uses the same lib/
// code, prisma/ folder and .env conventions as the server. `server-only` throws unless the
// react-server condition is set, as it is inside Next.js.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const child = spawn(
  process.execPath,
  ["--conditions=react-server", "--import", "tsx", path.join(root, "scripts", "cli.ts"), ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, TOLLGATE_ROOT: root, LOG_LEVEL: process.env.LOG_LEVEL || "warn" },
  },
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

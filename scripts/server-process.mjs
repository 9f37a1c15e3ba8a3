// How the production server's Node process is started — by `npm start` (scripts/start.mjs), by the
// Docker image (its CMD runs this file, which prints the command) and by the benchmark, so what is
// measured is what runs. Each setting was measured under the benchmark's load
// (bench/README.md, README "Performance and memory"); NODE_OPTIONS or MALLOC_ARENA_MAX set by the
// operator win over these.
//
// - The old generation grows by 30 % over what the last full collection kept, not by V8's default
//   factor (up to 4×): under load most of it is promoted garbage, which otherwise piles up to well
//   over twice the live heap before it is collected. Peak RSS at 50 connections: 317–385 → 225–234 MB,
//   throughput the same within run-to-run noise. Only the collections' timing changes, not the limit.
// - On PostgreSQL, WebAssembly is optimised only when it is really hot: the wasm running there is
//   Prisma's query compiler (admin pages) and schema engine (migrations at start), and optimising them
//   kept ~80 MB for good; undici's HTTP parser, which is hot, is still optimised. The embedded
//   database (PGlite) is itself WebAssembly, so there V8's default stays.
// - Two malloc arenas rather than one per thread: compiler threads otherwise each keep one.

/** `node <args> scripts/serve.mjs` with `env`. */
export function serverProcess(env = process.env) {
  const args = [];
  if (!env.NODE_OPTIONS?.includes("--heap-growing-percent")) args.push("--heap-growing-percent=30");
  if (env.DATABASE_URL) args.push("--wasm-tiering-budget=50000000");
  return { args, env: { MALLOC_ARENA_MAX: "2", ...env } };
}

/**
 * The whole command as words for `env`: the settings `env` lacks (NAME=value), then
 * `node <args> scripts/serve.mjs`. The Docker image runs `exec env $(node scripts/server-process.mjs)`,
 * so Node becomes PID 1 with exactly the flags `npm start` gives it.
 */
export function serverCommand(env = process.env) {
  const node = serverProcess(env);
  const settings = Object.entries(node.env)
    .filter(([name, value]) => env[name] !== value)
    .map(([name, value]) => `${name}=${value}`);
  return [...settings, "node", ...node.args, "scripts/serve.mjs"];
}

if (import.meta.filename === process.argv[1]) console.log(serverCommand().join(" "));

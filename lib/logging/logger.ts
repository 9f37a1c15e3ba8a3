import "server-only";
import pino from "pino";
import { isEnvFlagSet } from "@/lib/config/flags";
import { rotatingFileStream } from "./rotate";

// Structured JSON logs. Anything that could carry a secret is redacted by path, and key material
// is only ever logged as its visible prefix. Every line goes to stdout, to LOG_PATH when it is set
// (rotated by size), and into an in-memory ring of the last lines, which the admin API shows when
// there is no file. The logger reads its variables straight from the environment, not through
// lib/config, so that logging never depends on the rest of the config being valid.

const RING_SIZE = 2_000;
const globalForLog = globalThis as unknown as { tollgateLogRing?: string[] };

function ring(): string[] {
  globalForLog.tollgateLogRing ??= [];
  return globalForLog.tollgateLogRing;
}

const ringStream = {
  write(chunk: string) {
    const lines = ring();
    for (const line of chunk.split("\n")) if (line) lines.push(line);
    // Trimmed in batches so a busy log does not shift the array on every line.
    if (lines.length > RING_SIZE * 1.25) lines.splice(0, lines.length - RING_SIZE);
  },
};

/** The last `count` log lines this process wrote (at most 2,000), oldest first. */
export function recentLogLines(count: number): string[] {
  const lines = ring();
  return lines.slice(Math.max(0, lines.length - Math.min(count, RING_SIZE)));
}

type Env = Record<string, string | undefined>;

function fileStream(env: Env): pino.StreamEntry | null {
  const path = env.LOG_PATH;
  if (!path) return null;
  const maxBytes = Math.max(1, Number(env.LOG_MAX_SIZE_MB) || 10) * 1024 * 1024;
  const keep = Math.max(1, Math.trunc(Number(env.LOG_MAX_FILES) || 5));
  try {
    return { level: "trace", stream: rotatingFileStream(path, maxBytes, keep) };
  } catch (err) {
    console.error(
      `Cannot write the log file LOG_PATH=${path}: ${err instanceof Error ? err.message : String(err)}; logging to stdout only`,
    );
    return null;
  }
}

/** LOG_LEVEL wins; DEBUG_MODE turns on debug lines when no level is given; tests are quiet by default. */
export function logLevelFor(env: Env): pino.LevelWithSilent {
  if (env.LOG_LEVEL) return env.LOG_LEVEL as pino.LevelWithSilent;
  if (isEnvFlagSet(env.DEBUG_MODE)) return "debug";
  return env.NODE_ENV === "test" ? "silent" : "info";
}

const REDACTED_PATHS = [
  "authorization",
  "*.authorization",
  "headers.authorization",
  "headers['x-api-key']",
  "*.password",
  "*.passwordHash",
  "*.apiKey",
  "*.key",
  "*.hash",
  "*.apiKeyEnc",
  "*.awsSecretKeyEnc",
  "*.secret",
];

/** A logger for an environment (tests make their own, without stdout, to read what it writes). */
export function createLogger(env: Env, options: { stdout?: boolean } = {}): pino.Logger {
  const streams: pino.StreamEntry[] = [{ level: "trace", stream: ringStream }];
  if (options.stdout !== false) streams.push({ level: "trace", stream: pino.destination({ dest: 1, sync: true }) });
  const file = fileStream(env);
  if (file) streams.push(file);
  return pino(
    { level: logLevelFor(env), base: { service: "tollgate" }, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } },
    pino.multistream(streams),
  );
}

// Tests read the lines from the ring (recentLogLines) rather than from a flooded stdout.
export const logger = createLogger(process.env, { stdout: process.env.NODE_ENV !== "test" });

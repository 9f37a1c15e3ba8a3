import "server-only";
import pino from "pino";

// Structured JSON logs. Anything that could carry a secret is redacted by path, and key material
// is only ever logged as its visible prefix. Every line goes to stdout, to LOG_PATH when it is set,
// and into an in-memory ring of the last lines, which the admin API shows when there is no file.

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

/** LOG_PATH is read here, not through lib/config, so that logging never depends on the rest of the config being valid. */
function fileStream(): pino.StreamEntry | null {
  const path = process.env.LOG_PATH;
  if (!path) return null;
  try {
    return { level: "trace", stream: pino.destination({ dest: path, mkdir: true, append: true, sync: false }) };
  } catch (err) {
    console.error(`Cannot write the log file LOG_PATH=${path}: ${err instanceof Error ? err.message : String(err)}; logging to stdout only`);
    return null;
  }
}

export const logger = pino(
  {
    level: process.env.LOG_LEVEL || (process.env.NODE_ENV === "test" ? "silent" : "info"),
    base: { service: "tollgate" },
    redact: {
      paths: [
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
      ],
      censor: "[redacted]",
    },
  },
  pino.multistream(
    [{ level: "trace", stream: pino.destination({ dest: 1, sync: true }) }, { level: "trace", stream: ringStream }, fileStream()].filter(
      (s): s is pino.StreamEntry => s !== null,
    ),
  ),
);

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { createLogger, logLevelFor } from "@/lib/logging/logger";
import { tailLogs } from "@/lib/logging/tail";

const dir = mkdtempSync(path.join(tmpdir(), "tollgate-logs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MB = 1024 * 1024;

async function settled(file: string) {
  // The file writer is asynchronous; wait until its size stops moving.
  let last = -1;
  for (let i = 0; i < 100; i++) {
    const size = existsSync(file) ? statSync(file).size : 0;
    if (size === last) return;
    last = size;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const lines = (file: string) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { n: number; msg: string });

describe("LOG_PATH rotation", () => {
  it("rotates at LOG_MAX_SIZE_MB, keeps LOG_MAX_FILES old files, loses no line in between", async () => {
    const file = path.join(dir, "rotate", "tollgate.log");
    const log = createLogger(
      { LOG_PATH: file, LOG_MAX_SIZE_MB: "1", LOG_MAX_FILES: "2", LOG_LEVEL: "info" },
      { stdout: false },
    );
    const padding = "x".repeat(900);
    const total = 4_000; // ≈ 3.9 MB: the current file, .1, .2, and the oldest megabyte dropped
    for (let n = 0; n < total; n++) log.info({ n, padding }, "line");
    await settled(file);

    expect(existsSync(`${file}.1`)).toBe(true);
    expect(existsSync(`${file}.2`)).toBe(true);
    expect(existsSync(`${file}.3`)).toBe(false);
    for (const f of [`${file}.1`, `${file}.2`]) expect(statSync(f).size).toBeLessThan(1.01 * MB);

    // Oldest to newest, the kept files hold one unbroken run of lines ending with the last one.
    const kept = [...lines(`${file}.2`), ...lines(`${file}.1`), ...lines(file)].map((l) => l.n);
    expect(kept.at(-1)).toBe(total - 1);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => kept[0] + i));
    expect(kept[0]).toBeGreaterThan(0);
  });

  it("the admin tail continues into the rotated file when the current one is short", async () => {
    const file = path.join(dir, "tail", "tollgate.log");
    const log = createLogger({ LOG_PATH: file, LOG_MAX_SIZE_MB: "1", LOG_LEVEL: "info" }, { stdout: false });
    const padding = "y".repeat(1000);
    for (let n = 0; n < 1_100; n++) log.info({ n, padding }, "line"); // just past 1 MB: rotated once
    await settled(file);
    expect(existsSync(`${file}.1`)).toBe(true);

    process.env.LOG_PATH = file;
    resetConfig();
    try {
      const tail = await tailLogs(200);
      expect(tail.source).toBe("file");
      expect(tail.lines).toHaveLength(200);
      const ns = tail.lines.map((l) => (JSON.parse(l) as { n: number }).n);
      expect(ns).toEqual(Array.from({ length: 200 }, (_, i) => 900 + i));
    } finally {
      delete process.env.LOG_PATH;
      resetConfig();
    }
  });

  it("LOG_LEVEL wins over DEBUG_MODE, which turns on debug lines when no level is given", () => {
    expect(logLevelFor({ DEBUG_MODE: "true" })).toBe("debug");
    expect(logLevelFor({ DEBUG_MODE: "true", LOG_LEVEL: "warn" })).toBe("warn");
    expect(logLevelFor({ NODE_ENV: "production" })).toBe("info");
    expect(logLevelFor({ DEBUG_MODE: "false", NODE_ENV: "production" })).toBe("info");
  });
});

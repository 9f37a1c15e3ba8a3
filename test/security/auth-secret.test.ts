// Issue 8 item 1: without AUTH_SECRET in production (with PostgreSQL), or with the sample value
// from .env.example, Tollgate refuses to start and says why.

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, SAMPLE_SECRET } from "@/lib/config";

const dataDir = () => mkdtempSync(path.join(tmpdir(), "tollgate-config-"));
const production = { NODE_ENV: "production", DATABASE_URL: "postgresql://x@127.0.0.1/db" };

describe("AUTH_SECRET", () => {
  it("is required in production with PostgreSQL", () => {
    expect(() => loadConfig({ ...production, DATA_DIR: dataDir() })).toThrow(
      /^Invalid configuration: AUTH_SECRET is required in production/,
    );
    expect(loadConfig({ ...production, AUTH_SECRET: "x".repeat(32), DATA_DIR: dataDir() }).authSecret).toBe(
      "x".repeat(32),
    );
  });

  it("refuses the sample value that .env.example carries, under either name", () => {
    const example = readFileSync(path.resolve(import.meta.dirname, "../../.env.example"), "utf8");
    expect(example).toMatch(new RegExp(`^# ?AUTH_SECRET=${SAMPLE_SECRET}$`, "m"));
    for (const name of ["AUTH_SECRET", "NEXTAUTH_SECRET"]) {
      expect(() => loadConfig({ [name]: SAMPLE_SECRET, DATA_DIR: dataDir() })).toThrow(
        /AUTH_SECRET is the sample value from \.env\.example/,
      );
      expect(() => loadConfig({ ...production, [name]: SAMPLE_SECRET, DATA_DIR: dataDir() })).toThrow(/sample value/);
    }
  });

  it("refuses a short secret, naming the variable", () => {
    expect(() => loadConfig({ ...production, AUTH_SECRET: "short", DATA_DIR: dataDir() })).toThrow(
      /AUTH_SECRET must be at least 32 characters/,
    );
  });
});

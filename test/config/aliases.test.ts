import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { config, envVarNames, loadConfig, resetConfig } from "@/lib/config";
import { envAliases } from "@/lib/config/aliases";
import { logger } from "@/lib/logging/logger";

const dataDir = () => mkdtempSync(path.join(tmpdir(), "tollgate-alias-"));

describe("the seed systems' variables", () => {
  it("build DATABASE_URL and the pool size from BRConnector's PGSQL_* (with its PGSQL_DEBUG_MODE=ok)", () => {
    const cfg = loadConfig({
      DATA_DIR: dataDir(),
      PGSQL_HOST: "127.0.0.1",
      PGSQL_DATABASE: "brconnector_db",
      PGSQL_USER: "postgres",
      PGSQL_PASSWORD: "my secret/password",
      PGSQL_MAX: "80",
      PGSQL_DEBUG_MODE: "ok",
      NODE_ENV: "test",
    });
    expect(cfg.DATABASE_URL).toBe("postgresql://postgres:my%20secret%2Fpassword@127.0.0.1:5432/brconnector_db");
    expect(new URL(cfg.DATABASE_URL!).password).toBe("my%20secret%2Fpassword");
    expect(cfg.DATABASE_POOL_MAX).toBe(80);
    expect(cfg.PGSQL_DEBUG_MODE).toBe(true);
    expect(cfg.embedded).toBe(false);
    expect(cfg.aliasNotes).toEqual([
      "DATABASE_URL is taken from PGSQL_HOST, PGSQL_DATABASE, PGSQL_USER, PGSQL_PASSWORD; set DATABASE_URL instead to silence this line",
      "DATABASE_POOL_MAX is taken from PGSQL_MAX; set DATABASE_POOL_MAX instead to silence this line",
    ]);
    expect(cfg.aliasNotes.join("\n")).not.toContain("secret");
  });

  it("map every other seed variable to its native one", () => {
    const cfg = loadConfig({
      DATA_DIR: dataDir(),
      AWS_DEFAULT_REGION: "eu-west-1",
      SMPT_FROM: "noreply@example.com",
      REDIS_HOST: "cache.internal",
      REDIS_PORT: "6380",
      REDIS_PASSWORD: "p@ss",
      DAILY_LIMIT: "500",
      RATE_LIMIT_REQUESTS_PER_MINUTE: "60",
      AI_BASE_URL: "http://127.0.0.1:8000/v1",
      AI_API_KEY: "sk-compatible",
      OPENAI_MODEL: "gpt-5-mini",
      SHARED_SECRET: "s".repeat(40),
      LOGIN_URL: "https://host.example/login",
      JWT_SECRET: "j".repeat(40),
    });
    expect(cfg).toMatchObject({
      AWS_REGION: "eu-west-1",
      SMTP_FROM: "noreply@example.com",
      REDIS_URL: "redis://:p%40ss@cache.internal:6380",
      GLOBAL_DAILY_LIMIT: 500,
      DEFAULT_USER_RPM: 60,
      OPENAI_COMPATIBLE_BASE_URL: "http://127.0.0.1:8000/v1",
      OPENAI_COMPATIBLE_API_KEY: "sk-compatible",
      DEFAULT_MODEL: "gpt-5-mini",
      SSO_SHARED_SECRET: "s".repeat(40),
      LOGIN_URL: "https://host.example/login",
      JWT_SECRET: "j".repeat(40),
    });
    expect(cfg.aliasNotes).toHaveLength(9);
    expect(cfg.aliasNotes.every((n) => /^[A-Z_]+ is taken from [A-Z_, ]+; set [A-Z_]+ instead/.test(n))).toBe(true);
  });

  it("never override a native variable, and say nothing then", () => {
    const cfg = loadConfig({
      DATA_DIR: dataDir(),
      DATABASE_URL: "postgresql://native@db:5432/tollgate",
      PGSQL_HOST: "legacy",
      SMTP_FROM: "native@example.com",
      SMPT_FROM: "legacy@example.com",
      REDIS_URL: "redis://native:6379",
      REDIS_HOST: "legacy",
    });
    expect(cfg.DATABASE_URL).toBe("postgresql://native@db:5432/tollgate");
    expect(cfg.SMTP_FROM).toBe("native@example.com");
    expect(cfg.REDIS_URL).toBe("redis://native:6379");
    expect(cfg.DATABASE_POOL_MAX).toBe(20);
    expect(cfg.aliasNotes).toEqual([]);
  });

  it("validate an aliased value under the native name", () => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), DAILY_LIMIT: "lots" })).toThrow(/GLOBAL_DAILY_LIMIT/);
    expect(() => loadConfig({ DATA_DIR: dataDir(), AI_BASE_URL: "not a url" })).toThrow(/OPENAI_COMPATIBLE_BASE_URL/);
  });

  it("only ever target variables the configuration reads", () => {
    expect(envAliases.map((a) => a.native).filter((n) => !envVarNames.includes(n))).toEqual([]);
  });

  it("are logged once, when the configuration is first read", () => {
    const info = vi.spyOn(logger, "info").mockImplementation(() => undefined);
    process.env.SMPT_FROM = "noreply@example.com";
    try {
      resetConfig();
      expect(config().SMTP_FROM).toBe("noreply@example.com");
      config();
      expect(
        info.mock.calls.filter(([line]) => String(line).startsWith("SMTP_FROM is taken from SMPT_FROM")),
      ).toHaveLength(1);
    } finally {
      delete process.env.SMPT_FROM;
      resetConfig();
      info.mockRestore();
    }
  });
});

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, envVarNames, loadConfig } from "@/lib/config";

const dataDir = () => mkdtempSync(path.join(tmpdir(), "tollgate-config-"));

describe("loadConfig", () => {
  it("names the variable when a value is bad", () => {
    expect(() => loadConfig({ PORT: "eighty", DATA_DIR: dataDir() })).toThrow(/^Invalid configuration: PORT/);
    expect(() => loadConfig({ DATABASE_URL: "mysql://x", DATA_DIR: dataDir() })).toThrow(
      /DATABASE_URL must start with postgres/,
    );
    expect(() => loadConfig({ ADMIN_EMAIL: "nope", DATA_DIR: dataDir() })).toThrow(/ADMIN_EMAIL/);
    expect(() => loadConfig({ LOG_LEVEL: "loud", DATA_DIR: dataDir() })).toThrow(ConfigError);
  });

  it("generates the auth secret once and keeps it in the data dir for the embedded default", () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    const second = loadConfig({ DATA_DIR: dir });
    expect(first.authSecret).toHaveLength(43);
    expect(second.authSecret).toBe(first.authSecret);
    expect(readFileSync(path.join(dir, "auth-secret"), "utf8").trim()).toBe(first.authSecret);
  });
});

describe(".env.example", () => {
  it("documents every variable the configuration reads", () => {
    const example = readFileSync(path.resolve(import.meta.dirname, "../../.env.example"), "utf8");
    const missing = envVarNames.filter((name) => !new RegExp(`^#? ?${name}=`, "m").test(example));
    expect(missing).toEqual([]);
  });
});

describe("docs/configuration.md", () => {
  it("documents every variable the configuration reads", () => {
    const doc = readFileSync(path.resolve(import.meta.dirname, "../../docs/configuration.md"), "utf8");
    expect(envVarNames.filter((name) => !doc.includes(`\`${name}\``))).toEqual([]);
  });
});

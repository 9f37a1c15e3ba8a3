// DEBUG_MODE and PGSQL_DEBUG_MODE as the seed systems have them: debug lines for each upstream
// attempt, and every SQL statement with its parameters — never a secret in either.
import { afterAll, describe, expect, it, vi } from "vitest";

// The logger and the database client read their flags when they are created: set them, then load
// the app afresh (the database this file was given stays installed on globalThis).
process.env.DEBUG_MODE = "true";
process.env.PGSQL_DEBUG_MODE = "true";
delete process.env.LOG_LEVEL;
vi.resetModules();
const { resetConfig } = await import("@/lib/config");
resetConfig();
const { recentLogLines } = await import("@/lib/logging/logger");
const { closeDb, getDb } = await import("@/lib/db/client");
const { startFakeUpstream } = await import("../fake-upstream/server.mjs");
const { seedProviders, sdk, userWithKey } = await import("../helpers/gateway");

const up = await startFakeUpstream();
afterAll(async () => {
  await up.close();
  delete process.env.DEBUG_MODE;
  delete process.env.PGSQL_DEBUG_MODE;
});

type Line = {
  level: number;
  msg: string;
  component?: string;
  sql?: string;
  params?: unknown[];
  ms?: number;
  requestId?: string;
  provider?: string;
};
const parsed = () => recentLogLines(2_000).map((l) => JSON.parse(l) as Line);

describe("DEBUG_MODE and PGSQL_DEBUG_MODE", () => {
  it("writes a debug line for each upstream attempt and an SQL line per statement, with secrets cut", async () => {
    // Reopened on first use with the flags on (the embedded database from setup's template again).
    await closeDb();
    await seedProviders(up);
    const { key } = await userWithKey();
    await sdk(key).chat.completions.create({ model: "gpt-fake", messages: [{ role: "user", content: "hello there" }] });

    const lines = parsed();
    const attempt = lines.find((l) => l.msg === "upstream attempt opened");
    expect(attempt).toMatchObject({ level: 20, provider: "openai-test" });
    expect(attempt?.requestId).toBeTruthy();

    const sql = lines.filter((l) => l.component === "sql");
    expect(sql.length).toBeGreaterThan(3);
    expect(sql.some((l) => /insert into/i.test(l.sql ?? ""))).toBe(true);
    for (const l of sql) expect(typeof l.ms).toBe("number");

    // The key, its hash and the password hash are long strings: they reach the log cut to 4 characters.
    const db = await getDb();
    const stored = await db.apiKey.findFirstOrThrow({ select: { hash: true }, where: { revokedAt: null } });
    const text = recentLogLines(2_000).join("\n");
    expect(text).not.toContain(key);
    expect(text).not.toContain(stored.hash);
    expect(text).not.toContain(key.slice(8));
    expect(sql.some((l) => (l.params ?? []).some((p) => typeof p === "string" && /…\[\d+ chars\]$/.test(p)))).toBe(
      true,
    );
  });
});

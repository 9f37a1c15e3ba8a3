import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { closeDb, getDb } from "@/lib/db/client";
import { describeStartupFailure, startTollgate } from "@/lib/startup";
import { registerUser } from "@/lib/users/accounts";

describe("start-up", () => {
  it("keeps the embedded database's data across a restart", { timeout: 120_000 }, async () => {
    const saved = { DATABASE_URL: process.env.DATABASE_URL, PGLITE_DIR: process.env.PGLITE_DIR };
    await closeDb();
    delete process.env.DATABASE_URL;
    process.env.PGLITE_DIR = path.join(mkdtempSync(path.join(tmpdir(), "tollgate-persist-")), "pglite");
    resetConfig();
    try {
      await startTollgate();
      await registerUser({ email: "persist@example.test", password: "persist-password", name: "P" });
      await closeDb();
      await startTollgate();
      const db = await getDb();
      expect(await db.user.findUnique({ where: { email: "persist@example.test" } })).not.toBeNull();
      expect(await db.user.count({ where: { role: "ADMIN" } })).toBe(1);
    } finally {
      await closeDb();
      Object.assign(process.env, saved);
      if (!saved.DATABASE_URL) delete process.env.DATABASE_URL;
      resetConfig();
    }
  });

  it("gives one clear line when the database cannot be reached", async () => {
    const saved = process.env.DATABASE_URL;
    await closeDb();
    process.env.DATABASE_URL = "postgresql://postgres:secret-pw@127.0.0.1:1/nowhere";
    resetConfig();
    try {
      const err = await startTollgate().then(
        () => null,
        (e: unknown) => e,
      );
      const line = describeStartupFailure(err);
      expect(line).toMatch(/^Cannot reach PostgreSQL at 127\.0\.0\.1:1\/nowhere: /);
      expect(line).not.toContain("\n");
      expect(line).not.toContain("secret-pw");
    } finally {
      await closeDb();
      if (saved) process.env.DATABASE_URL = saved;
      else delete process.env.DATABASE_URL;
      resetConfig();
    }
  });
});

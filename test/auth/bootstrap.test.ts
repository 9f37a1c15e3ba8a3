import { describe, expect, it } from "vitest";
import * as register from "@/app/api/auth/register/route";
import { getDb } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/startup";
import { call } from "../helpers/app";

describe("the first administrator", () => {
  it("20 concurrent registrations on an empty database make exactly one bootstrap admin and 20 users", async () => {
    await migrateDatabase();
    const db = await getDb();
    expect(await db.user.count()).toBe(0);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(register.POST, { body: { email: `racer${i}@example.test`, password: "racing-password" } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(await db.user.count({ where: { role: "ADMIN" } })).toBe(1);
    expect(await db.user.count({ where: { role: "USER" } })).toBe(20);
    const admin = await db.user.findFirstOrThrow({ where: { role: "ADMIN" } });
    expect(admin.email).toBe(process.env.ADMIN_EMAIL);
  });

  it("migrations are applied once per database and are idempotent", async () => {
    expect(await migrateDatabase()).toEqual([]);
    const db = await getDb();
    const rows = await db.$queryRaw<
      Array<{ migration_name: string; finished_at: Date | null }>
    >`SELECT migration_name, finished_at FROM "_prisma_migrations" ORDER BY migration_name`;
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
    expect(new Set(rows.map((r) => r.migration_name)).size).toBe(rows.length);
  });
});

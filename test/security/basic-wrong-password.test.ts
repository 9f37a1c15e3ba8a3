// Issue 22 item 4: HTTP Basic sends a password with every request, so guessing through it must
// meet the same login throttle (per account and per address) as the login form, and a verified
// password is remembered briefly so honest scripts do not pay a scrypt hash per request.
import { beforeAll, describe, expect, it } from "vitest";
import * as me from "@/app/api/auth/me/route";
import { getDb } from "@/lib/db/client";
import { createUser } from "@/lib/users/accounts";
import { call, startApp } from "../helpers/app";

beforeAll(startApp);
const basic = (email: string, secret: string, address: string) => ({
  authorization: `Basic ${Buffer.from(`${email}:${secret}`).toString("base64")}`,
  "x-forwarded-for": address,
});

describe("Basic with a wrong password 20 times", () => {
  it("is throttled like the login form: 401s, then 429 — even for the right password — other accounts unaffected", async () => {
    await createUser({ email: "guessed@example.com", password: "right-password" });
    await createUser({ email: "bystander@example.com", password: "right-password" });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++)
      statuses.push(
        (await call(me.GET, { headers: basic("guessed@example.com", `guess-${i}`, "203.0.113.9") })).status,
      );
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(new Set(statuses.slice(5))).toEqual(new Set([429]));
    const right = await call(me.GET, { headers: basic("guessed@example.com", "right-password", "198.51.100.1") });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(
      (await call(me.GET, { headers: basic("bystander@example.com", "right-password", "198.51.100.2") })).status,
    ).toBe(200);
  });

  it("remembers a verified password under a keyed hash: one sign-in is recorded for many requests, and no password is stored", async () => {
    const user = await createUser({ email: "busy-script@example.com", password: "busy-password" });
    for (let i = 0; i < 10; i++)
      expect(
        (await call(me.GET, { headers: basic("busy-script@example.com", "busy-password", "192.0.2.7") })).status,
      ).toBe(200);
    const db = await getDb();
    const signIns = await db.auditLog.findMany({ where: { action: "auth.sign-in", targetId: user.id } });
    expect(signIns).toHaveLength(1);
    expect(signIns[0].after).toEqual({ method: "basic" });
    expect(JSON.stringify(await db.auditLog.findMany())).not.toContain("busy-password");
  });
});

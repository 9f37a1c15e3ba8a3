import { beforeAll, describe, expect, it } from "vitest";
import * as passwordRoute from "@/app/api/auth/password/route";
import { verifyCredentials } from "@/lib/users/accounts";
import { call, startApp } from "../helpers/app";
import { chatUser } from "./helpers";

beforeAll(async () => {
  await startApp();
});

describe("POST /api/auth/password", () => {
  it("changes the password only with the current one and a valid new one", async () => {
    const { user, cookie, key } = await chatUser();
    const wrong = await call(passwordRoute.POST, {
      cookie,
      body: { currentPassword: "not-it", newPassword: "brand-new-password" },
    });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: { field: string } }).error.field).toBe("currentPassword");
    expect(
      (await call(passwordRoute.POST, { cookie, body: { currentPassword: "password-123", newPassword: "short" } }))
        .status,
    ).toBe(400);
    expect(
      (
        await call(passwordRoute.POST, {
          bearer: key,
          body: { currentPassword: "password-123", newPassword: "brand-new-password" },
        })
      ).status,
    ).toBe(403);
    expect(
      (await call(passwordRoute.POST, { body: { currentPassword: "password-123", newPassword: "brand-new-password" } }))
        .status,
    ).toBe(401);

    const ok = await call(passwordRoute.POST, {
      cookie,
      body: { currentPassword: "password-123", newPassword: "brand-new-password" },
    });
    expect(ok.status).toBe(200);
    expect(await verifyCredentials(user.email, "password-123")).toBeNull();
    expect(await verifyCredentials(user.email, "brand-new-password")).toMatchObject({ id: user.id });
  });
});

// Issue 22 item 3: an access token is checked against its sign-in on every request, so a password
// change, an administrator disabling the user or "sign out everywhere" stops it at once, not at expiry.
import { beforeAll, describe, expect, it } from "vitest";
import * as adminUpdate from "@/app/api/admin/user/update/route";
import * as logoutEverywhere from "@/app/api/auth/logout/everywhere/route";
import * as me from "@/app/api/auth/me/route";
import * as password from "@/app/api/auth/password/route";
import * as token from "@/app/api/auth/token/route";
import * as models from "@/app/api/v1/models/route";
import { createUser } from "@/lib/users/accounts";
import { ADMIN_TOKEN, call, cookieFor, json, startApp } from "../helpers/app";

type Tokens = { access_token: string; refresh_token: string };
beforeAll(startApp);

async function signedIn(email: string) {
  const user = await createUser({ email, password: "password-123" });
  const tokens = await json<Tokens>(await call(token.POST, { body: { email, password: "password-123" } }));
  expect((await call(me.GET, { bearer: tokens.access_token })).status).toBe(200);
  return { user, ...tokens };
}

describe("a bearer token", () => {
  it("stops after a password change made in the browser", async () => {
    const t = await signedIn("pw-change@example.com");
    const cookie = await cookieFor("pw-change@example.com");
    expect(
      (
        await call(password.POST, {
          cookie,
          body: { currentPassword: "password-123", newPassword: "another-password-1" },
        })
      ).status,
    ).toBe(200);
    expect((await call(me.GET, { bearer: t.access_token })).status).toBe(401);
    expect((await call(models.GET, { bearer: t.access_token })).status).toBe(401);
    expect(
      (await call(token.POST, { body: { grant_type: "refresh_token", refresh_token: t.refresh_token } })).status,
    ).toBe(401);
  });

  it("stops when an administrator disables the user", async () => {
    const t = await signedIn("disabled-script@example.com");
    expect(
      (await call(adminUpdate.POST, { bearer: ADMIN_TOKEN, body: { id: t.user.id, status: "DISABLED" } })).status,
    ).toBe(200);
    expect((await call(me.GET, { bearer: t.access_token })).status).toBe(401);
  });

  it("stops when the user signs out everywhere with it", async () => {
    const t = await signedIn("everywhere-script@example.com");
    expect((await call(logoutEverywhere.POST, { method: "POST", bearer: t.access_token })).status).toBe(200);
    expect((await call(me.GET, { bearer: t.access_token })).status).toBe(401);
  });
});

// Issue 22 item 2: PASSWORD_LOGIN=false leaves single sign-on as the way in for people: the JSON
// login and registration refuse with a 403 saying so; scripts keep bearer tokens and Basic. And
// LOGIN_URL sends pages that need a session to the host application with return_to.
import { beforeAll, describe, expect, it } from "vitest";
import * as login from "@/app/api/auth/login/route";
import * as register from "@/app/api/auth/register/route";
import * as token from "@/app/api/auth/token/route";
import { signInUrl } from "@/lib/auth/page-session";
import { resetConfig } from "@/lib/config";
import { createUser } from "@/lib/users/accounts";
import { call, json, startApp } from "../helpers/app";

process.env.PASSWORD_LOGIN = "false";
process.env.LOGIN_URL = "https://intranet.example.com/login?app=tollgate";
beforeAll(async () => {
  await startApp();
  await createUser({ email: "sso-only@example.com", password: "password-123" });
});

describe("PASSWORD_LOGIN=false", () => {
  it("refuses the password form's login and registration with a 403 that says why", async () => {
    const res = await call(login.POST, { body: { email: "sso-only@example.com", password: "password-123" } });
    expect(res.status).toBe(403);
    expect((await json<{ error: { message: string } }>(res)).error.message).toMatch(/Password sign-in is turned off/);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect((await call(register.POST, { body: { email: "new@example.com", password: "password-123" } })).status).toBe(
      403,
    );
  });

  it("still gives scripts a bearer token", async () => {
    expect((await call(token.POST, { body: { email: "sso-only@example.com", password: "password-123" } })).status).toBe(
      200,
    );
  });
});

describe("LOGIN_URL", () => {
  it("is where pages that need a session send the browser, with return_to", () => {
    expect(signInUrl("/chat/abc")).toBe("https://intranet.example.com/login?app=tollgate&return_to=%2Fchat%2Fabc");
    expect(signInUrl()).toBe("https://intranet.example.com/login?app=tollgate&return_to=%2F");
    delete process.env.LOGIN_URL;
    resetConfig();
    expect(signInUrl()).toBe("/login");
    expect(signInUrl("/settings")).toBe("/login?return_to=%2Fsettings");
  });
});

// Issue 22 item 3: a refresh token is single-use. Presenting one that was already rotated means a
// copy was stolen: the whole token family (every access and refresh token of that sign-in) ends.
import { beforeAll, describe, expect, it } from "vitest";
import * as me from "@/app/api/auth/me/route";
import * as token from "@/app/api/auth/token/route";
import { createUser } from "@/lib/users/accounts";
import { call, json, startApp } from "../helpers/app";

type Tokens = { access_token: string; refresh_token: string };
beforeAll(async () => {
  await startApp();
  await createUser({ email: "rotating@example.com", password: "password-123" });
});

const refresh = (refresh_token: string) => call(token.POST, { body: { grant_type: "refresh_token", refresh_token } });

describe("a refresh token used twice", () => {
  it("revokes the family: the thief's and the owner's tokens all stop", async () => {
    const first = await json<Tokens>(
      await call(token.POST, { body: { email: "rotating@example.com", password: "password-123" } }),
    );
    const other = await json<Tokens>(
      await call(token.POST, { body: { email: "rotating@example.com", password: "password-123" } }),
    );
    const owner = await json<Tokens>(await refresh(first.refresh_token));
    const reuse = await refresh(first.refresh_token);
    expect(reuse.status).toBe(401);
    expect(JSON.stringify(await json(reuse))).toContain("already used");
    expect((await call(me.GET, { bearer: owner.access_token })).status).toBe(401);
    expect((await refresh(owner.refresh_token)).status).toBe(401);
    // Another sign-in of the same user is a family of its own.
    expect((await call(me.GET, { bearer: other.access_token })).status).toBe(200);
  });

  it("lets only one of two concurrent refreshes with the same token through", async () => {
    const first = await json<Tokens>(
      await call(token.POST, { body: { email: "rotating@example.com", password: "password-123" } }),
    );
    const statuses = (await Promise.all([refresh(first.refresh_token), refresh(first.refresh_token)]))
      .map((r) => r.status)
      .sort();
    expect(statuses).toEqual([200, 401]);
  });
});

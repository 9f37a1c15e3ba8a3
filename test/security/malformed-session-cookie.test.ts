// Issue 19: a session cookie that is not valid percent-encoding (`%E0%A4%A`) made every route that
// reads the cookie answer 500. It is no session: 401 where one is needed, the page's own answer
// where none is.
import { beforeAll, describe, expect, it } from "vitest";
import * as nextAuth from "@/app/api/auth/[...nextauth]/route";
import * as logout from "@/app/api/auth/logout/route";
import * as me from "@/app/api/auth/me/route";
import * as health from "@/app/api/health/route";
import { createUser } from "@/lib/users/accounts";
import { call, cookieFor, startApp } from "../helpers/app";
import { loadApiRoutes, pathParams } from "../helpers/routes";

beforeAll(startApp);

const BROKEN = [
  "next-auth.session-token=%E0%A4%A",
  "next-auth.session-token=%",
  "__Secure-next-auth.session-token=%E0%A4%A; next-auth.session-token=%zz",
];

describe("a malformed session cookie", () => {
  it("counts as no session on every route that takes a cookie", async () => {
    const routes = await loadApiRoutes((d) => ["user", "session", "admin"].includes(d.auth));
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.some(({ doc }) => doc.path.includes("{"))).toBe(true);
    for (const cookie of BROKEN) {
      for (const { doc, handler } of routes) {
        const res = await call(handler, {
          method: doc.method,
          path: doc.path,
          params: pathParams(doc, "00000000-0000-0000-0000-000000000000"),
          cookie,
          ...(doc.method === "GET" ? {} : { rawBody: "{}", headers: { "content-type": "application/json" } }),
        });
        expect({ route: `${doc.method} ${doc.path}`, status: res.status }).toEqual({
          route: `${doc.method} ${doc.path}`,
          status: 401,
        });
      }
    }
  });

  it("does not hide a valid cookie sent beside it, and does not break logout or public routes", async () => {
    await createUser({ email: "beside@example.com", password: "password-123" });
    const good = await cookieFor("beside@example.com");
    expect((await call(me.GET, { cookie: `other=%E0%A4%A; ${good}` })).status).toBe(200);
    expect((await call(logout.POST, { method: "POST", cookie: BROKEN[0] })).status).toBe(200);
    expect((await call(health.GET, { cookie: BROKEN[0] })).status).toBeLessThan(500);
    // next-auth's own session endpoint: no session, not a 500.
    const session = await call(nextAuth.GET, {
      cookie: BROKEN[0],
      path: "/api/auth/session",
      params: { nextauth: ["session"] },
    });
    expect(session.status).toBe(200);
    expect(await session.json()).toEqual({});
  });
});

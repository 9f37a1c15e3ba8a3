// Issue 19 in a real browser:
// - cross-site request forgery: a hostile page served from another port of the same host (same site,
//   so SameSite=Lax still sends the cookie) tries to promote a user to ADMIN with the signed-in
//   admin's cookie, by an auto-submitted text/plain form and by a no-cors fetch; both are refused
//   and the user stays a USER;
// - the nonce Content-Security-Policy: every page works with no CSP violation, and a script that
//   lacks the nonce does not run.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { admin, expect as baseExpect, test, uniqueEmail } from "./fixtures";

const expect = baseExpect.configure({ timeout: 20_000 });
test.describe.configure({ timeout: 120_000 });

const BASE = process.env.E2E_BASE_URL ?? "";

/** A context of its own without the suite's Origin header (playwright.config.ts), so the browser sends what it would. */
async function signedInAdmin(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: BASE, extraHTTPHeaders: {} });
  const res = await context.request.post("/api/auth/login", { data: { email: admin.email, password: admin.password } });
  if (!res.ok()) throw new Error(`admin login answered ${res.status()}: ${await res.text()}`);
  return context;
}

/** The hostile site: one HTML page on 127.0.0.1, another port than Tollgate's. */
async function hostileSite(html: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test("a hostile page on another port cannot make the signed-in admin promote a user", async ({
  browser,
  request,
  api,
}) => {
  const target = new URL("/api/admin/user/update", BASE).href;
  const victim = await request.post("/api/admin/user/create", {
    headers: api.adminToken(),
    data: { email: uniqueEmail("csrf-victim"), password: "victim-password-1" },
  });
  expect(victim.status()).toBe(201);
  const { id } = ((await victim.json()) as { user: { id: string } }).user;
  const roleOf = async () =>
    (
      (await (await request.get(`/api/admin/user/detail/${id}`, { headers: api.adminToken() })).json()) as {
        user: { role: string };
      }
    ).user.role;

  // The body a text/plain form sends is `name=value`: the attacker makes it read as JSON.
  const payload = JSON.stringify({ id, role: "ADMIN", name: "" }).slice(0, -2);
  const site = await hostileSite(`<!doctype html><html><body>
    <form id="f" method="POST" enctype="text/plain" action="${target}"><input type="hidden" name='${payload}' value='"}'></form>
    <script>
      fetch(${JSON.stringify(target)}, { method: "POST", mode: "no-cors", credentials: "include", headers: { "content-type": "text/plain" }, body: ${JSON.stringify(JSON.stringify({ id, role: "ADMIN" }))} })
        .finally(() => document.getElementById("f").submit());
    </script></body></html>`);
  const context = await signedInAdmin(browser);
  try {
    const page = await context.newPage();
    const statuses: number[] = [];
    page.on("response", (res) => {
      if (res.url() === target) statuses.push(res.status());
    });
    const formAnswer = page.waitForResponse(
      (res) => res.url() === target && res.request().resourceType() === "document",
    );
    await page.goto(site.url);
    const answer = await formAnswer;
    // 403 from the origin check, which runs only on a request that carries a cookie: without the
    // admin's cookie the answer would be 401. So the attack was real, and refused.
    expect(answer.status()).toBe(403);
    expect(await answer.text()).toContain(`Cross-site request refused: origin ${new URL(site.url).origin} may not`);
    await expect.poll(() => statuses).toEqual([403, 403]);
    expect(await roleOf()).toBe("USER");

    // The same session, from Tollgate's own page, still works.
    await page.goto("/admin");
    const fromOwnPage = await page.evaluate(
      async ([url, body]) =>
        (await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body })).status,
      [target, JSON.stringify({ id, name: "renamed from our own page" })] as const,
    );
    expect(fromOwnPage).toBe(200);
    expect(await roleOf()).toBe("USER");
  } finally {
    await context.close();
    await site.close();
  }
});

/** Collects CSP violations and console errors a page reports. */
function watchForViolations(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error" && /Content Security Policy|Refused to (execute|load)/i.test(msg.text()))
      problems.push(msg.text());
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  return problems;
}

test("every page runs under the nonce policy with no CSP violation, and a script without the nonce does not run", async ({
  browser,
}) => {
  const context = await signedInAdmin(browser);
  try {
    const page = await context.newPage();
    const problems = watchForViolations(page);
    for (const path of [
      "/",
      "/settings",
      "/admin",
      "/admin/users",
      "/admin/models",
      "/admin/usage",
      "/docs",
      "/login",
    ]) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBeLessThan(400);
      const csp = (await res!.allHeaders())["content-security-policy"];
      expect(csp, path).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
      expect(csp, path).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      await page.waitForLoadState("networkidle");
    }
    // The pages hydrated (React attached): a client-side control responds.
    await page.goto("/login");
    await expect(page.locator("form")).toBeVisible();
    expect(problems).toEqual([]);

    // Injected markup whose script has no nonce (an inline handler) does not run; without the
    // policy it would, as the image fails to load.
    const ran = await page.evaluate(
      () =>
        new Promise<boolean>((resolve) => {
          const holder = document.createElement("div");
          holder.innerHTML = `<img src="/no-such-image-${Date.now()}.png" onerror="window.injected = true">`;
          // Listeners run after the attribute's handler: by then it has run, or been refused.
          holder.firstElementChild!.addEventListener("error", () =>
            setTimeout(() => resolve((window as unknown as { injected?: boolean }).injected === true), 0),
          );
          document.body.appendChild(holder);
        }),
    );
    expect(ran).toBe(false);
  } finally {
    await context.close();
  }
});

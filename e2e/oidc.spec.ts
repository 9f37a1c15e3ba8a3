// OpenID Connect end to end: Chromium clicks "Continue with Test IdP" on /login, signs in at a real
// OpenID provider (oidc-provider, started by scripts/e2e.mjs) and lands in the chat as the user its
// claims describe — group and admin role mapped. A callback opened in another browser is refused.
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

function issuer(): string {
  const value = process.env.E2E_OIDC_ISSUER;
  if (!value)
    throw new Error(
      "E2E_OIDC_ISSUER is not set: run the e2e tests with `npm run test:e2e` (it starts the OpenID provider)",
    );
  return value;
}

/** At the provider's development login form: any password; then its consent page, if it asks. */
async function signInAtProvider(page: Page, login: string) {
  await page.waitForURL((url) => url.toString().startsWith(issuer()));
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any-password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  const consent = page.getByRole("button", { name: "Continue" });
  await Promise.race([
    consent.waitFor().then(() => consent.click()),
    page.waitForURL((url) => !url.toString().startsWith(issuer())),
  ]);
}

test("sign in with OpenID Connect and land in the chat with the mapped group and role", async ({ page, api }) => {
  await page.goto("/login");
  await page.getByTestId("oidc-sign-in").click();
  await signInAtProvider(page, "oidc-admin");

  await expect(page).toHaveURL("/");
  await expect(page.getByTestId("app-shell")).toBeVisible();
  await expect(page.getByTestId("signed-in-as")).toHaveText("Olga Admin");

  const me = await page.request.get("/api/auth/me");
  expect((await me.json()).user).toMatchObject({ email: "oidc-admin@idp.test", role: "ADMIN" });
  const detail = await api.adminUserByEmail("oidc-admin@idp.test");
  expect(detail.user.group?.name).toBe("Platform");
  expect(detail.signIn).toMatchObject({ methods: ["oidc"], lastSignInMethod: "oidc" });
});

test("a callback replayed in another browser (no matching state) is refused", async ({ page, browser }) => {
  // Redirects are not routed by Playwright, but every hop is a request event.
  const callbackRequest = page.waitForRequest((r) => r.url().includes("/api/auth/callback/oidc"));
  await page.goto("/login");
  await page.getByTestId("oidc-sign-in").click();
  await signInAtProvider(page, "oidc-user");
  const callback = (await callbackRequest).url();
  expect(callback).toContain("state=");
  await expect(page).toHaveURL("/");

  const other = await browser.newContext();
  try {
    const victim = await other.newPage();
    await victim.goto(callback);
    await expect(victim).toHaveURL(/\/login\?.*error=/);
    await expect(victim.getByTestId("auth-error")).toContainText("could not be verified");
    expect((await other.cookies()).some((c) => c.name.endsWith("next-auth.session-token"))).toBe(false);
  } finally {
    await other.close();
  }
});

// /register, /login, sign-out and the signed-in app shell at /.
import type { Page } from "@playwright/test";
import { admin, expect, test, uniqueEmail } from "./fixtures";

async function signIn(page: Page, email: string, password: string) {
  const form = page.getByTestId("login-form");
  await form.locator('input[name="email"]').fill(email);
  await form.locator('input[name="password"]').fill(password);
  await form.getByRole("button", { name: "Sign in" }).click();
}

/** Wider than the viewport means the page scrolls sideways. */
function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

test("register, sign out, fail with a wrong password, sign in again", async ({ page }, testInfo) => {
  const name = "Ada Lovelace";
  const email = uniqueEmail("ada");
  const password = "correct-horse-battery";

  await test.step("register through the form", async () => {
    await page.goto("/register");
    const form = page.getByTestId("register-form");
    await form.locator('input[name="name"]').fill(name);
    await form.locator('input[name="email"]').fill(email);
    await form.locator('input[name="password"]').fill(password);
    await form.getByRole("button", { name: "Create account" }).click();

    await expect(page).toHaveURL("/");
    await expect(page.getByTestId("app-shell")).toBeVisible();
    await expect(page.getByTestId("signed-in-as")).toHaveText(name);
    const screenshot = testInfo.outputPath("app-shell.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    await testInfo.attach("app shell after registering", { path: screenshot, contentType: "image/png" });
  });

  await test.step("sign out", async () => {
    await page.getByTestId("sign-out").click();
    await expect(page).toHaveURL("/login");
    await expect(page.getByTestId("login-form")).toBeVisible();
  });

  await test.step("a wrong password shows an error and stays on /login", async () => {
    await signIn(page, email, "not-the-password");
    await expect(page.getByTestId("auth-error")).toBeVisible();
    await expect(page).toHaveURL("/login");
  });

  await test.step("the right password opens the app shell", async () => {
    await signIn(page, email, password);
    await expect(page).toHaveURL("/");
    await expect(page.getByTestId("app-shell")).toBeVisible();
    await expect(page.getByTestId("signed-in-as")).toHaveText(name);
  });
});

test("visiting / signed out redirects to /login", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL("/login");
  await expect(page.getByTestId("login-form")).toBeVisible();
});

test("a signed-out visit to any page that needs a session comes back to it after sign-in", async ({ page }) => {
  await page.goto("/admin/keys?q=nobody");
  await expect(page).toHaveURL("/login?return_to=%2Fadmin%2Fkeys%3Fq%3Dnobody");
  await signIn(page, admin.email, admin.password);
  await expect(page).toHaveURL("/admin/keys?q=nobody");
});

test("the server's bootstrap admin: its token is an admin and its password signs in", async ({ api }) => {
  expect(await api.me(api.adminToken())).toMatchObject({ role: "ADMIN" });
  expect(await api.login(admin.email, admin.password)).toMatchObject({ email: admin.email, role: "ADMIN" });
  expect(await api.me()).toMatchObject({ email: admin.email, role: "ADMIN" });
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the login page and the app shell fit without horizontal scroll", async ({ page, api }) => {
    const email = uniqueEmail("phone");
    await api.register(email, "phone-password-123", "");

    await page.goto("/login");
    await expect(page.getByTestId("login-form")).toBeVisible();
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);

    await signIn(page, email, "phone-password-123");
    await expect(page.getByTestId("app-shell")).toBeVisible();
    // Without a name the header shows the email, which must truncate rather than widen the page.
    await expect(page.getByTestId("signed-in-as")).toHaveText(email);
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
  });
});

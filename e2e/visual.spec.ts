// The visual pass: every page at 1280 px and 390 px, light and dark, screenshotted; a page fails when
// it scrolls sideways or logs a console error. Screenshots are attached to the report.
import type { Page, TestInfo } from "@playwright/test";
import { chooseModel, ok, send, signUp, waitForAnswer } from "./chat-helpers";
import { admin, expect, test } from "./fixtures";

test.describe.configure({ timeout: 300_000 });

const SIZES = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
] as const;
const SCHEMES = ["light", "dark"] as const;

/**
 * Visits `path` in every size and scheme; returns what went wrong (sideways scroll, console errors).
 * The page is loaded once per size: the schemes are CSS media queries only (app/globals.css), so the
 * dark one is the same page with the preference switched, not a second load and network-idle wait.
 */
async function pass(page: Page, testInfo: TestInfo, label: string, path: string, ready: string): Promise<string[]> {
  const problems: string[] = [];
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.emulateMedia({ colorScheme: SCHEMES[0] });
    errors.length = 0;
    await page.goto(path);
    await expect(page.locator(ready).first()).toBeVisible({ timeout: 20_000 });
    await page.waitForLoadState("networkidle").catch(() => {});
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme });
      expect(await page.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches)).toBe(scheme === "dark");
      const file = testInfo.outputPath(`${label}-${size.name}-${scheme}.png`);
      await page.screenshot({ path: file, fullPage: true });
      await testInfo.attach(`${label}-${size.name}-${scheme}`, { path: file, contentType: "image/png" });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 0) problems.push(`${label} (${size.name}, ${scheme}) scrolls sideways by ${overflow} px`);
      for (const e of errors) problems.push(`${label} (${size.name}, ${scheme}) console error: ${e}`);
      errors.length = 0;
    }
  }
  page.removeAllListeners("console");
  page.removeAllListeners("pageerror");
  return problems;
}

test("signed-out pages", async ({ page }, testInfo) => {
  const problems = [
    ...(await pass(page, testInfo, "login", "/login", "form")),
    ...(await pass(page, testInfo, "register", "/register", "form")),
  ];
  expect(problems).toEqual([]);
});

test("a user's pages: new chat, a conversation, settings, a shared conversation", async ({ page }, testInfo) => {
  await signUp(page, "visual");
  await page.goto("/");
  await chooseModel(page, "fake-model");
  await send(
    page,
    "echo: a **visual** check with `code` and a long unbroken word Pneumonoultramicroscopicsilicovolcanoconiosis-and-more",
  );
  await waitForAnswer(page);
  const chat = new URL(page.url()).pathname;
  const sessionId = chat.split("/").at(-1)!;
  const { path: share } = await ok<{ path: string }>(await page.request.post(`/api/chat/sessions/${sessionId}/share`));
  const problems = [
    ...(await pass(page, testInfo, "new-chat", "/", '[data-testid="chat-input"]')),
    ...(await pass(page, testInfo, "conversation", chat, '[data-testid="message"]')),
    ...(await pass(page, testInfo, "settings", "/settings", "main")),
    ...(await pass(page, testInfo, "shared", share, '[data-testid="shared-conversation"]')),
  ];
  expect(problems).toEqual([]);
});

test("the admin pages", async ({ page }, testInfo) => {
  expect(
    (await page.request.post("/api/auth/login", { data: { email: admin.email, password: admin.password } })).ok(),
  ).toBe(true);
  const pages = [
    "/admin",
    "/admin/users",
    "/admin/keys",
    "/admin/groups",
    "/admin/providers",
    "/admin/models",
    "/admin/usage",
    "/admin/sessions",
    "/admin/threads",
    "/admin/flags",
    "/admin/audit",
    "/admin/logs",
    "/admin/settings",
    "/admin/payments",
    "/admin/ollama",
  ];
  const problems: string[] = [];
  for (const path of pages)
    problems.push(...(await pass(page, testInfo, path.slice(1).replace(/\//g, "-"), path, "main")));
  expect(problems).toEqual([]);
});

// Issue 25, item 6: the model picker is a searchable, keyboard-navigable popover with each model's
// description, badges and price; it fits a phone; the last model used is remembered per user.

import { chooseModel, ensureModels, type ModelSpec, PASSWORD, send, signUp, waitForAnswer } from "./chat-helpers";
import { expect as baseExpect, test } from "./fixtures";

const expect = baseExpect.configure({ timeout: 20_000 });
test.describe.configure({ timeout: 120_000 });

const DESCRIBED: ModelSpec = {
  publicId: "e2e-described",
  upstreamId: "fake-model",
  inputPrice: "0.5",
  outputPrice: "1.5",
  maxOutputTokens: 200,
  supportsImages: true,
  supportsTools: true,
  description: "Sees pictures and answers briefly",
};

test.beforeAll(async ({ playwright, baseURL }) => {
  await ensureModels(baseURL, playwright, [DESCRIBED]);
});

test("search by description, pick with the keyboard; each model shows its badges and price", async ({ page }) => {
  await signUp(page, "picker");
  await page.goto("/");
  await page.getByTestId("model-picker").click();
  const options = page.getByTestId("model-option");
  expect(await options.count()).toBeGreaterThan(1);
  await page.getByTestId("model-search").fill("sees pictures");
  await expect(options).toHaveCount(1);
  const only = options.first();
  await expect(only).toHaveAttribute("data-model-id", DESCRIBED.publicId);
  await expect(only).toContainText("Sees pictures and answers briefly");
  await expect(only.getByTestId("model-badge-images")).toBeVisible();
  await expect(only.getByTestId("model-badge-tools")).toBeVisible();
  await expect(only.getByTestId("model-badge-files")).toBeVisible();
  await expect(only.getByTestId("model-badge-free")).toHaveCount(0);
  await expect(only.getByTestId("model-price")).toHaveText("$0.50 in / $1.50 out per 1M tokens");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("model-menu")).toBeHidden();
  await expect(page.getByTestId("model-picker")).toHaveAttribute("data-value", DESCRIBED.publicId);

  // Arrow keys move through the list; Escape closes without changing.
  await page.getByTestId("model-picker").click();
  await page.getByTestId("model-search").fill("");
  const before = await page.locator('[data-testid="model-option"][data-active="true"]').getAttribute("data-model-id");
  await page.keyboard.press("ArrowDown");
  const after = await page.locator('[data-testid="model-option"][data-active="true"]').getAttribute("data-model-id");
  expect(after).not.toBe(before);
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("model-menu")).toBeHidden();
  await expect(page.getByTestId("model-picker")).toHaveAttribute("data-value", DESCRIBED.publicId);
});

test("on a phone the menu fits the screen", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signUp(page, "picker-phone");
  await page.goto("/");
  await page.getByTestId("model-picker").click();
  const box = (await page.getByTestId("model-menu").boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  expect(box.y + box.height).toBeLessThanOrEqual(844);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test("the last model used is remembered for the user, in another browser too", async ({ page, browser, baseURL }) => {
  const { email } = await signUp(page, "picker-remember");
  await page.goto("/");
  await chooseModel(page, DESCRIBED.publicId);
  await send(page, "echo: remember me");
  await waitForAnswer(page);

  const other = await browser.newContext({ baseURL });
  const second = await other.newPage();
  expect((await second.request.post("/api/auth/login", { data: { email, password: PASSWORD } })).ok()).toBe(true);
  await second.goto("/");
  await expect(second.getByTestId("model-picker")).toHaveAttribute("data-value", DESCRIBED.publicId);
  await other.close();
});

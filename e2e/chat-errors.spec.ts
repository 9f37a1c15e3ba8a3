// Issue 25, item 2: errors in words people understand, a retry button, and the technical detail
// (with a link to the admin thread view) for administrators only.

import { answers, chooseModel, ensureModels, type ModelSpec, send, signUp } from "./chat-helpers";
import { admin, expect as baseExpect, test } from "./fixtures";

const expect = baseExpect.configure({ timeout: 20_000 });
test.describe.configure({ timeout: 120_000 });

/** Its upstream answers 500 every time. */
const BROKEN: ModelSpec = {
  publicId: "e2e-broken",
  upstreamId: "fake-model:fail=500",
  inputPrice: "0",
  outputPrice: "0",
  maxOutputTokens: 200,
};
const FREE = "fake-model";

test.beforeAll(async ({ playwright, baseURL }) => {
  await ensureModels(baseURL, playwright, [BROKEN]);
});

test("a user reads what happened in plain words, retries with another model, and sees nothing technical", async ({
  page,
}) => {
  await signUp(page, "errors");
  await page.goto("/");
  await chooseModel(page, BROKEN.publicId);
  await send(page, "Are you there?");
  const error = page.getByTestId("chat-error");
  await expect(error).toBeVisible();
  await expect(page.getByTestId("chat-error-title")).toHaveText("The model is not answering");
  await expect(page.getByTestId("chat-error-message")).toHaveText(
    "The model is not answering right now. Try again, or pick another model.",
  );
  await expect(error).not.toContainText(/Upstream|answered 500|attempts|UND_ERR/);
  await expect(page.getByTestId("chat-error-admin")).toHaveCount(0);

  await chooseModel(page, FREE);
  await page.getByTestId("chat-retry").click();
  await expect(answers(page).last().getByTestId("message-text")).toContainText("tok0");
  await expect(error).toHaveCount(0);
});

test("an administrator also gets the technical detail and a link to the request in the thread view", async ({
  page,
}) => {
  const res = await page.request.post("/api/auth/login", { data: { email: admin.email, password: admin.password } });
  expect(res.ok()).toBe(true);
  await page.goto("/");
  await chooseModel(page, BROKEN.publicId);
  await send(page, "Are you there, admin edition?");
  await expect(page.getByTestId("chat-error-message")).toHaveText(/not answering right now/);
  await page.getByTestId("chat-error-admin").locator("summary").click();
  await expect(page.getByTestId("chat-error-detail")).toContainText("answered 500");
  const link = page.getByTestId("chat-error-request");
  await expect(link).toHaveAttribute("href", /^\/admin\/threads\/[\w-]+$/);
  await link.click();
  await expect(page).toHaveURL(/\/admin\/threads\//);
  await expect(page.getByTestId("thread-error")).toContainText("answered 500");
});

// Issue 25, item 1: a user with a little money can spend it. Without max_tokens the answer is capped at
// what the balance affords (and the gateway says so), refused only when not even a short answer fits.

import {
  answers,
  chooseModel,
  ensureModels,
  type ModelSpec,
  ok,
  send,
  setBalance,
  signUp,
  waitForAnswer,
  waitUntilSettled,
} from "./chat-helpers";
import { expect as baseExpect, test } from "./fixtures";

const expect = baseExpect.configure({ timeout: 20_000 });
test.describe.configure({ timeout: 120_000 });

/** $10 per million output tokens with a 4,096-token limit: a whole answer may cost up to ~$0.041. */
const ROOMY: ModelSpec = {
  publicId: "e2e-roomy",
  upstreamId: "fake-model",
  inputPrice: "0",
  outputPrice: "10",
  maxOutputTokens: 4096,
};

test.beforeAll(async ({ playwright, baseURL }) => {
  await ensureModels(baseURL, playwright, [ROOMY]);
});

test("with $0.003 left the chat answers (capped), and the balance reads in dollars", async ({ page }) => {
  const user = await signUp(page, "spend");
  await setBalance(page.request, user.id, "0.003");
  await page.goto("/");
  await expect(page.getByTestId("header-balance")).toHaveText("$0.003");
  await chooseModel(page, ROOMY.publicId);
  await send(page, "A short question");
  await waitForAnswer(page);
  await expect(answers(page).last().getByTestId("message-text")).toContainText("tok0");
  await expect(page.getByTestId("chat-error")).toHaveCount(0);
  // A few output tokens at $0.00001 each (the answer, and the title the model suggests after it).
  await expect(page.getByTestId("header-balance")).toHaveText(/^\$0\.002\d+$/);
});

test("the same rule on /v1: capped with a header; refused, in dollars, when not even a short answer is affordable", async ({
  page,
  request,
}) => {
  const user = await signUp(page, "spend-api");
  await setBalance(page.request, user.id, "0.003");
  const { key } = await ok<{ key: string }>(await page.request.post("/api/user/keys", { data: { name: "spend" } }));
  const body = { model: ROOMY.publicId, messages: [{ role: "user", content: "hi" }] };
  const res = await request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key}` }, data: body });
  expect(res.status()).toBe(200);
  expect(Number(res.headers()["x-tollgate-max-tokens-capped"])).toBeGreaterThan(64);
  // The answer comes before its settlement, which gives back what the request reserved (nearly all
  // of the $0.003): until then the balance below is all reserved, and the refusal says $0.00 available.
  await waitUntilSettled(page.request);

  await setBalance(page.request, user.id, "0.0005");
  const refused = await request.post("/v1/chat/completions", {
    headers: { authorization: `Bearer ${key}` },
    data: body,
  });
  expect(refused.status()).toBe(402);
  const error = ((await refused.json()) as { error: { message: string } }).error.message;
  expect(error).toMatch(/\$0\.000\d+ available, this request may cost up to \$0\.000\d+/);
});

// Issue 25, item 3: a failed question is marked and can be retried; any question can be edited and
// any answer regenerated, the earlier versions kept as branches the user steps through (‹ 2 / 2 ›).

import {
  answers,
  chooseModel,
  ensureModels,
  type ModelSpec,
  questions,
  send,
  signUp,
  waitForAnswer,
} from "./chat-helpers";
import { expect as baseExpect, test } from "./fixtures";

const expect = baseExpect.configure({ timeout: 20_000 });
test.describe.configure({ timeout: 120_000 });

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

test("regenerate the first answer and edit the first question: both versions stay, stepped through with ‹ ›", async ({
  page,
}) => {
  await signUp(page, "branches");
  await page.goto("/");
  await chooseModel(page, FREE);
  await send(page, "echo: one");
  await waitForAnswer(page);
  await send(page, "echo: two");
  await waitForAnswer(page);
  await expect(answers(page)).toHaveCount(2);

  // Regenerate the first answer (not the last): the follow-up belongs to the other branch.
  await answers(page).first().getByTestId("message-regenerate").click();
  await waitForAnswer(page);
  await expect(answers(page)).toHaveCount(1);
  await expect(answers(page).first().getByTestId("branch-position")).toHaveText("2 / 2");
  await answers(page).first().getByTestId("branch-prev").click();
  await expect(answers(page)).toHaveCount(2);
  await expect(answers(page).first().getByTestId("branch-position")).toHaveText("1 / 2");
  await expect(answers(page).last().getByTestId("message-text")).toHaveText("two");

  // Edit the first question.
  await questions(page).first().getByTestId("message-edit").click();
  await page.getByTestId("message-edit-input").fill("echo: uno");
  await page.getByTestId("message-edit-save").click();
  await waitForAnswer(page);
  await expect(questions(page)).toHaveCount(1);
  await expect(questions(page).first().getByTestId("branch-position")).toHaveText("2 / 2");
  await expect(answers(page).last().getByTestId("message-text")).toHaveText("uno");

  // Stored server-side: a reload shows the same branch, and the old one is a step away.
  await page.reload();
  await expect(questions(page).first().getByTestId("message-text")).toHaveText("echo: uno");
  await questions(page).first().getByTestId("branch-prev").click();
  await expect(questions(page).first().getByTestId("message-text")).toHaveText("echo: one");
  // The newest path through it: the regenerated answer (2 / 2); its first answer and follow-up are a step away.
  await expect(answers(page).first().getByTestId("branch-position")).toHaveText("2 / 2");
  await answers(page).first().getByTestId("branch-prev").click();
  await expect(questions(page)).toHaveCount(2);
});

test("a question whose answer failed is marked, and Retry answers it (here with another model)", async ({ page }) => {
  await signUp(page, "failed");
  await page.goto("/");
  await chooseModel(page, BROKEN.publicId);
  await send(page, "echo: are you there");
  const failed = questions(page).last().getByTestId("message-failed");
  await expect(failed).toBeVisible();
  await page.reload();
  await expect(questions(page).last().getByTestId("message-failed")).toBeVisible();
  await chooseModel(page, FREE);
  await questions(page).last().getByTestId("message-retry").click();
  await waitForAnswer(page);
  await expect(answers(page).last().getByTestId("message-text")).toHaveText("are you there");
  await expect(page.getByTestId("message-failed")).toHaveCount(0);
});

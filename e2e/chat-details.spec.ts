// Issue 25, item 4: each answer's model, tokens in/out, cost and time to first word, and the
// conversation's running total — live when the answer ends, and the same after a reload.

import {
  answers,
  chooseModel,
  ensureModels,
  ok,
  PRICED,
  send,
  sessionIdFrom,
  setBalance,
  signUp,
  waitForAnswer,
} from "./chat-helpers";
import { expect as baseExpect, test } from "./fixtures";

const expect = baseExpect.configure({ timeout: 20_000 });
test.describe.configure({ timeout: 120_000 });

test.beforeAll(async ({ playwright, baseURL }) => {
  await ensureModels(baseURL, playwright, [PRICED]);
});

test("an answer's footer shows model, tokens, cost and time to first word; the header keeps the total", async ({
  page,
}) => {
  const user = await signUp(page, "details");
  await setBalance(page.request, user.id, "1");
  await page.goto("/");
  await chooseModel(page, PRICED.publicId);
  await send(page, "How much?");
  await waitForAnswer(page);
  // Five words at $0.001 each, prompts free.
  const footer = answers(page).last().getByTestId("message-details");
  await expect(footer).toContainText("e2e-priced");
  await expect(footer).toContainText("5 out");
  await expect(footer).toContainText("$0.005");
  await expect(footer).toContainText("first word after");
  await expect(page.getByTestId("conversation-total")).toContainText("$0.005");

  await send(page, "And again?");
  await waitForAnswer(page);
  await expect(page.getByTestId("conversation-total")).toContainText("$0.01");

  // After settlement the stored conversation shows the same.
  const sessionId = sessionIdFrom(page);
  await expect
    .poll(
      async () =>
        (
          await ok<{ requests: Array<{ status: string }> }>(
            await page.request.get(`/api/user/session/detail/${sessionId}`),
          )
        ).requests.filter((r) => r.status === "PENDING").length,
    )
    .toBe(0);
  await page.reload();
  await expect(answers(page)).toHaveCount(2);
  await expect(answers(page).first().getByTestId("message-details")).toContainText("$0.005");
  await expect(page.getByTestId("conversation-total")).toContainText("$0.01");
});

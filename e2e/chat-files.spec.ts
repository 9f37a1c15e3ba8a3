// Issue 25, item 5: files as context. A PDF is read on the server, shown as a chip, billed as input,
// and downloadable again by its owner only; a damaged one is refused clearly and nothing is stored.

import { answers, chooseModel, ok, questions, send, signUp, waitForAnswer } from "./chat-helpers";
import { expect as baseExpect, test } from "./fixtures";
import { pdfWith } from "./pdf";

const expect = baseExpect.configure({ timeout: 20_000 });
test.describe.configure({ timeout: 120_000 });

const FREE = "fake-model";

test("a PDF goes with the question as a chip; its owner downloads it again, nobody else can", async ({
  page,
  browser,
  baseURL,
}) => {
  await signUp(page, "files");
  await page.goto("/");
  await chooseModel(page, FREE);
  const pdf = pdfWith("The secret word is lighthouse");
  await page
    .getByTestId("attachment-input")
    .setInputFiles({ name: "notes.pdf", mimeType: "application/pdf", buffer: pdf });
  await expect(page.getByTestId("attachment-preview").getByTestId("file-chip")).toContainText("notes.pdf");
  await send(page, "echo: read it");
  await waitForAnswer(page);
  await expect(answers(page).last().getByTestId("message-text")).toHaveText("read it");

  // The text was part of the prompt: far more input tokens than the question alone.
  const sessionId = /\/chat\/([^/?#]+)/.exec(page.url())![1];
  await expect
    .poll(
      async () =>
        (
          await ok<{ requests: Array<{ status: string; promptTokens: number }> }>(
            await page.request.get(`/api/user/session/detail/${sessionId}`),
          )
        ).requests.find((r) => r.status === "OK")?.promptTokens ?? 0,
    )
    .toBeGreaterThan(8);

  await page.reload();
  const chip = questions(page).last().getByTestId("file-chip");
  await expect(chip).toContainText("notes.pdf");
  const href = (await chip.getAttribute("href"))!;
  expect(href).toMatch(/^\/api\/chat\/files\/[\w-]+$/);
  const download = await page.request.get(href);
  expect(download.status()).toBe(200);
  expect(download.headers()["content-type"]).toBe("application/pdf");
  expect(Buffer.from(await download.body()).equals(pdf)).toBe(true);

  const stranger = await browser.newContext({ baseURL });
  const other = await stranger.newPage();
  await signUp(other, "files-other");
  expect((await other.request.get(href)).status()).toBe(404);
  await stranger.close();
});

test("a damaged PDF gets a clear message and nothing is stored", async ({ page }) => {
  await signUp(page, "files-broken");
  await page.goto("/");
  await chooseModel(page, FREE);
  await page
    .getByTestId("attachment-input")
    .setInputFiles({ name: "broken.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4 not really") });
  await send(page, "echo: read this");
  await expect(page.getByTestId("chat-error-message")).toContainText("'broken.pdf' is not a readable PDF");
  const sessions = await ok<{ items: unknown[] }>(await page.request.get("/api/user/session/list"));
  expect(sessions.items).toHaveLength(0);
});

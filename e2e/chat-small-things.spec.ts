// Issue 25, item 7: line breaks kept in the user's bubble, a typing indicator until the first words,
// the limits panel out of the model picker's way, a favicon, export (Markdown, JSON) and share links.
import { readFile } from "node:fs/promises";
import {
  answers,
  chooseModel,
  ensureModels,
  type ModelSpec,
  questions,
  send,
  sessionIdFrom,
  setBalance,
  signUp,
  waitForAnswer,
} from "./chat-helpers";
import { expect as baseExpect, test } from "./fixtures";

const expect = baseExpect.configure({ timeout: 20_000 });
test.describe.configure({ timeout: 120_000 });

/** Five seconds before the first word (long enough to see the dots on a busy machine). */
const HESITANT: ModelSpec = {
  publicId: "e2e-hesitant",
  upstreamId: "fake-model:ttft=5000",
  inputPrice: "0",
  outputPrice: "0",
  maxOutputTokens: 200,
};

test.beforeAll(async ({ playwright, baseURL }) => {
  await ensureModels(baseURL, playwright, [HESITANT]);
});

test("the user's line breaks survive in their bubble; dots show from send until the first words", async ({ page }) => {
  await signUp(page, "lines");
  await page.goto("/");
  await chooseModel(page, HESITANT.publicId);
  await page.getByTestId("chat-input").fill("first line\nsecond line\n\n  indented");
  await page.getByTestId("chat-input").press("Enter");
  await expect(page.getByTestId("typing-indicator")).toBeVisible();
  // The answer's stream starts at once (its start chunk comes with the headers) but its first words
  // only after 5 s: the dots stay in the answer's own bubble until then.
  await expect(answers(page).last().getByTestId("typing-indicator")).toBeVisible();
  await expect(answers(page).last()).toHaveAttribute("data-streaming", "true");
  await expect(answers(page).last().getByTestId("message-text")).toContainText("tok0");
  await expect(page.getByTestId("typing-indicator")).toHaveCount(0);
  const bubble = questions(page).last().getByTestId("message-text");
  expect(await bubble.evaluate((el) => (el as HTMLElement).innerText)).toBe("first line\nsecond line\n\n  indented");
  await page.reload();
  expect(
    await questions(page)
      .last()
      .getByTestId("message-text")
      .evaluate((el) => (el as HTMLElement).innerText),
  ).toBe("first line\nsecond line\n\n  indented");
});

test("the limits panel closes on a click outside it (the model picker) and on Escape", async ({ page }) => {
  const user = await signUp(page, "panel");
  await setBalance(page.request, user.id, "2");
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto("/");
  await page.getByTestId("header-balance").click();
  await expect(page.getByTestId("limits-panel")).toBeVisible();
  await page.getByTestId("model-picker").click();
  await expect(page.getByTestId("limits-panel")).toBeHidden();
  await page.getByTestId("header-balance").click();
  await expect(page.getByTestId("limits-panel")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("limits-panel")).toBeHidden();
});

test("every page has a favicon: /favicon.ico is an icon and the page links one", async ({ page }) => {
  const failed: string[] = [];
  page.on("response", (res) => res.status() === 404 && failed.push(res.url()));
  await page.goto("/login");
  const ico = await page.request.get("/favicon.ico");
  expect(ico.status()).toBe(200);
  expect(ico.headers()["content-type"]).toMatch(/image\//);
  const href = await page.locator('link[rel="icon"]').first().getAttribute("href");
  expect(href).toBeTruthy();
  expect((await page.request.get(href!)).status()).toBe(200);
  expect(failed).toEqual([]);
});

test("a conversation exports as Markdown and JSON, and shares as a read-only link its owner can revoke", async ({
  page,
  browser,
}) => {
  await signUp(page, "share");
  await page.goto("/");
  await chooseModel(page, HESITANT.publicId);
  await send(page, "echo: what the share shows");
  await waitForAnswer(page);
  await expect(page).toHaveURL(/\/chat\//);
  const sessionId = sessionIdFrom(page);

  await page.getByTestId("conversation-menu").click();
  const [md] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-markdown").click()]);
  expect(md.suggestedFilename()).toMatch(/\.md$/);
  const markdown = await readFile((await md.path())!, "utf8");
  expect(markdown).toContain("## You\n\necho: what the share shows");
  await page.getByTestId("conversation-menu").click();
  const [js] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-json").click()]);
  const exported = JSON.parse(await readFile((await js.path())!, "utf8")) as { id: string; messages: unknown[] };
  expect(exported.id).toBe(sessionId);
  expect(exported.messages).toHaveLength(2);

  await page.getByTestId("conversation-menu").click();
  await page.getByTestId("share-open").click();
  await page.getByTestId("share-create").click();
  const url = await page.getByTestId("share-url").inputValue();
  expect(url).toMatch(/\/share\/[\w-]{32}$/);

  // Someone without an account reads it, and cannot do anything else.
  const stranger = await browser.newContext();
  const other = await stranger.newPage();
  await other.goto(url);
  await expect(other.getByTestId("shared-title")).toBeVisible();
  await expect(other.locator('[data-testid="message"][data-role="user"]')).toHaveText("echo: what the share shows");
  await expect(other.getByTestId("chat-input")).toHaveCount(0);

  await page.getByTestId("share-revoke").click();
  await expect(page.getByTestId("share-create")).toHaveText("Create link");
  const gone = await other.goto(url);
  expect(gone?.status()).toBe(404);
  await stranger.close();
});

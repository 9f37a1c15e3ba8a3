// The chat app at / and /chat/[id]: streaming, stop, history, sanitised Markdown, ownership,
// live balance, live updates between tabs, and the phone layout.
import type { APIRequestContext, Browser, Page, TestInfo } from "@playwright/test";
import { chooseModel, waitUntilSettled } from "./chat-helpers";
import { expect as baseExpect, test, uniqueEmail } from "./fixtures";

// Page loads and answers wait on one server with an embedded database, on a machine that may be busy.
const expect = baseExpect.configure({ timeout: 20_000 });
test.describe.configure({ timeout: 120_000 });

const PASSWORD = "chat-password-123";
/**
 * 30 words, 150 ms apart: slow enough to watch it grow (and to press Stop) even when the embedded
 * database holds the server's thread for a moment. $0.001 per output token, prompts free.
 */
const SLOW = {
  publicId: "e2e-slow",
  upstreamId: "fake-model:chunks=30:idle=150",
  inputPrice: "0",
  outputPrice: "1000",
  maxOutputTokens: 200,
};
/** Answers at once, at the same price. */
const PRICED = {
  publicId: "e2e-priced",
  upstreamId: "fake-model",
  inputPrice: "0",
  outputPrice: "1000",
  maxOutputTokens: 200,
};
/** Discovered from the fake upstream at start-up, free. */
const FREE = "fake-model";

function adminHeaders(): Record<string, string> {
  return { authorization: `Bearer ${process.env.E2E_ADMIN_TOKEN}` };
}

async function ok<T>(res: Awaited<ReturnType<APIRequestContext["get"]>>): Promise<T> {
  if (!res.ok()) throw new Error(`${res.url()} answered ${res.status()}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** Publishes a model on the fake upstream's provider through the admin API (once per server). */
async function ensureModel(request: APIRequestContext, model: typeof SLOW): Promise<void> {
  const headers = adminHeaders();
  const existing = await ok<{ items: Array<{ publicId: string }> }>(
    await request.get(`/api/admin/model/list?q=${model.publicId}`, { headers }),
  );
  if (existing.items.some((m) => m.publicId === model.publicId)) return;
  const providers = await ok<{ items: Array<{ id: string; name: string }> }>(
    await request.get("/api/admin/provider/list", { headers }),
  );
  const provider = providers.items.find((p) => p.name === "openai-compatible");
  if (!provider) throw new Error("the server has no 'openai-compatible' provider: is OPENAI_COMPATIBLE_BASE_URL set?");
  await ok(await request.post("/api/admin/model/create", { headers, data: { ...model, providerId: provider.id } }));
}

async function setBalance(request: APIRequestContext, userId: string, balance: string): Promise<void> {
  await ok(await request.post("/api/admin/user/update", { headers: adminHeaders(), data: { id: userId, balance } }));
}

/** A new account, signed in in this page's browser context. */
async function signUp(page: Page, label: string): Promise<{ id: string; email: string }> {
  const email = uniqueEmail(label);
  const { user } = await ok<{ user: { id: string } }>(
    await page.request.post("/api/auth/register", { data: { email, password: PASSWORD, name: "" } }),
  );
  return { id: user.id, email };
}

async function shot(page: Page, testInfo: TestInfo, name: string, fullPage = false): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId("chat-input").fill(text);
  await page.getByTestId("chat-input").press("Enter");
}

const answers = (page: Page) => page.locator('[data-testid="message"][data-role="assistant"]');

async function waitForAnswer(page: Page): Promise<void> {
  await expect(page.getByTestId("send-button")).toBeVisible({ timeout: 20_000 });
  await expect(answers(page).last()).toHaveAttribute("data-streaming", "false");
}

function sessionIdFrom(page: Page): string {
  const match = /\/chat\/([^/?#]+)/.exec(page.url());
  if (!match) throw new Error(`not on a conversation page: ${page.url()}`);
  return match[1];
}

type Detail = {
  session: { id: string; title: string };
  messages: Array<{ id: string; role: string; text: string; partial: boolean }>;
  requests: Array<{ status: string; completionTokens: number; promptTokens: number; cost: string }>;
};

async function settledDetail(request: APIRequestContext, sessionId: string, requests: number): Promise<Detail> {
  let detail: Detail | null = null;
  await expect
    .poll(async () => {
      detail = await ok<Detail>(await request.get(`/api/user/session/detail/${sessionId}`));
      return detail.requests.filter((r) => r.status !== "PENDING").length;
    })
    .toBeGreaterThanOrEqual(requests);
  return detail!;
}

test.beforeAll(async ({ playwright }) => {
  const request = await playwright.request.newContext({ baseURL: process.env.E2E_BASE_URL });
  try {
    await ensureModel(request, SLOW);
    await ensureModel(request, PRICED);
  } finally {
    await request.dispose();
  }
});

test("sign up, chat: the answer streams in word by word; after a reload the history shows it with its title", async ({
  page,
}, testInfo) => {
  await page.goto("/register");
  const form = page.getByTestId("register-form");
  await form.locator('input[name="email"]').fill(uniqueEmail("stream"));
  await form.locator('input[name="password"]').fill(PASSWORD);
  await form.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByTestId("chat-empty")).toBeVisible();

  await chooseModel(page, SLOW.publicId);
  // Every change of the answer's text, as the browser renders it, with its time.
  await page.evaluate(() => {
    const samples: Array<{ at: number; text: string }> = [];
    (window as unknown as { samples: typeof samples }).samples = samples;
    new MutationObserver(() => {
      const el = [
        ...document.querySelectorAll('[data-testid="message"][data-role="assistant"] [data-testid="message-text"]'),
      ].at(-1);
      const text = el?.textContent ?? "";
      if (text && text !== samples.at(-1)?.text) samples.push({ at: performance.now(), text });
    }).observe(document.querySelector('[data-testid="message-list"]')!, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });
  await send(page, "Tell me a story about a lighthouse");

  const answer = answers(page).last().getByTestId("message-text");
  await expect(answer).toContainText("tok10", { timeout: 15_000 });
  expect(await answer.textContent()).not.toContain("tok29");
  await expect(page.getByTestId("stop-button")).toBeVisible();
  await shot(page, testInfo, "1-streaming");
  await expect(answer).toContainText("tok29", { timeout: 15_000 });
  const samples = await page.evaluate(
    () => (window as unknown as { samples: Array<{ at: number; text: string }> }).samples,
  );
  // The text grew in many steps over seconds, each extending the one before: streamed, not delivered at once.
  expect(samples.length).toBeGreaterThanOrEqual(10);
  expect(samples.at(-1)!.at - samples[0].at).toBeGreaterThan(2_000);
  for (let i = 1; i < samples.length; i++) expect(samples[i].text.startsWith(samples[i - 1].text.trimEnd())).toBe(true);
  await waitForAnswer(page);
  await expect(page).toHaveURL(/\/chat\/[\w-]+$/);
  const sessionId = sessionIdFrom(page);

  // The model improves the title after the first answer: 3–6 words.
  const item = page.locator(`[data-testid="session-item"][data-session-id="${sessionId}"]`);
  await expect(item.getByTestId("session-title")).toHaveText("tok0 tok1 tok2 tok3 tok4 tok5", { timeout: 15_000 });
  await shot(page, testInfo, "2-answered");

  await page.reload();
  await expect(page.getByTestId("chat-title")).toHaveText("tok0 tok1 tok2 tok3 tok4 tok5");
  await expect(page.locator('[data-testid="message"][data-role="user"]')).toHaveText(
    /Tell me a story about a lighthouse/,
  );
  await expect(answers(page)).toHaveCount(1);
  await expect(answers(page).getByTestId("message-text")).toContainText("tok0 tok1");
  await expect(answers(page).getByTestId("message-text")).toContainText("tok29");
  await expect(item).toHaveAttribute("data-source", "CHAT");
  await expect(item.locator('[aria-current="page"]')).toBeVisible();
  await shot(page, testInfo, "3-after-reload");
});

test("stop mid-stream keeps the partial answer, and the charge matches the tokens produced", async ({
  page,
}, testInfo) => {
  const user = await signUp(page, "stop");
  await setBalance(page.request, user.id, "5");
  await page.goto("/");
  await expect(page.getByTestId("header-balance")).toHaveAttribute("data-balance", "5.000000");
  await chooseModel(page, SLOW.publicId);
  await send(page, "Write a long answer please");

  const answer = answers(page).last();
  await expect(answer.getByTestId("message-text")).toContainText("tok5", { timeout: 15_000 });
  await page.getByTestId("stop-button").click();
  await expect(answer.getByTestId("partial-badge")).toBeVisible();
  const seenAtStop = ((await answer.getByTestId("message-text").textContent()) ?? "").trim();
  expect(seenAtStop.split(/\s+/).length).toBeGreaterThanOrEqual(6);
  expect(seenAtStop).not.toContain("tok29");
  await shot(page, testInfo, "stopped");

  const detail = await settledDetail(page.request, sessionIdFrom(page), 1);
  const saved = detail.messages.find((m) => m.role === "assistant");
  expect(saved).toMatchObject({ partial: true });
  // The server keeps what it had streamed when the stop reached it (a word or two may have been on
  // their way), and the page then shows exactly that.
  const savedText = saved!.text.trim();
  const savedWords = savedText.split(/\s+/).length;
  expect(savedText.startsWith(seenAtStop)).toBe(true);
  expect(savedWords).toBeLessThan(30);
  await expect(answer.getByTestId("message-text")).toHaveText(savedText);
  expect(detail.requests).toHaveLength(1); // no title call after a stopped first answer
  const [charged] = detail.requests;
  expect(charged.status).toBe("ABORTED");
  // Billed for the words produced (the gateway may have read one more that never reached the
  // model's reader), not for the 30 the model would have written.
  expect(charged.completionTokens).toBeGreaterThanOrEqual(savedWords);
  expect(charged.completionTokens).toBeLessThanOrEqual(savedWords + 1);
  expect(charged.cost).toBe((charged.completionTokens / 1000).toFixed(6));
  const balance = (5 - charged.completionTokens / 1000).toFixed(6);
  await expect(page.getByTestId("header-balance")).toHaveAttribute("data-balance", balance);
  await shot(page, testInfo, "stopped-and-synced");

  // The stopped answer survives a reload, still marked.
  await page.reload();
  await expect(answers(page).last().getByTestId("partial-badge")).toBeVisible();
  await expect(answers(page).last().getByTestId("message-text")).toHaveText(savedText);
});

test("HTML and javascript: links in messages render inert, from the user and from the model", async ({
  page,
}, testInfo) => {
  await signUp(page, "xss");
  let dialogs = 0;
  page.on("dialog", async (dialog) => {
    dialogs++;
    await dialog.dismiss();
  });
  await page.goto("/");
  await chooseModel(page, FREE);
  const payload = "<img src=x onerror=alert(1)> and [x](javascript:alert(1)) <script>alert(2)</script>";
  await send(page, `echo: ${payload}`);
  await waitForAnswer(page);

  const list = page.getByTestId("message-list");
  const answer = answers(page).last().getByTestId("message-text");
  // The model repeated it word by word; it shows as text and a harmless link.
  await expect(answer).toContainText("<img src=x onerror=alert(1)>");
  await expect(answer).toContainText("<script>alert(2)</script>");
  // [x](javascript:…) keeps its text but loses the URL.
  const link = answer.locator("a", { hasText: /^x$/ });
  await expect(link).toBeVisible();
  expect(await link.getAttribute("href")).toBeFalsy();
  const dangerous = await list.evaluate((root) => {
    const found: string[] = [];
    for (const el of root.querySelectorAll("*")) {
      if (["SCRIPT", "IFRAME", "OBJECT", "EMBED"].includes(el.tagName)) found.push(el.tagName);
      for (const attr of el.getAttributeNames()) {
        const value = el.getAttribute(attr) ?? "";
        if (attr.startsWith("on")) found.push(`${el.tagName} ${attr}`);
        if (/^\s*(javascript|vbscript|data):/i.test(value) && el.tagName !== "IMG")
          found.push(`${el.tagName} ${attr}=${value}`);
      }
    }
    for (const img of root.querySelectorAll("img")) if (img.getAttribute("src") === "x") found.push("img src=x");
    return found;
  });
  expect(dangerous).toEqual([]);
  await link.click();
  await page.waitForTimeout(300);
  expect(dialogs).toBe(0);
  await shot(page, testInfo, "inert-markdown");
});

test("user B gets 404 for user A's conversation, in the page and in every API route", async ({
  page,
  browser,
}, testInfo) => {
  await signUp(page, "owner-a");
  await page.goto("/");
  await chooseModel(page, FREE);
  await send(page, "echo: secret plans of A");
  await waitForAnswer(page);
  const sessionId = sessionIdFrom(page);
  const messageId = (await settledDetail(page.request, sessionId, 1)).messages[0].id;

  const b = await otherUser(browser);
  try {
    const res = await b.page.goto(`/chat/${sessionId}`);
    expect(res?.status()).toBe(404);
    await expect(b.page.getByTestId("chat-not-found")).toBeVisible();
    expect(await b.page.content()).not.toContain("secret plans of A");
    await shot(b.page, testInfo, "b-sees-not-found");

    const r = b.page.request;
    const json = { "content-type": "application/json" };
    const statuses = [
      (await r.get(`/api/user/session/detail/${sessionId}`)).status(),
      (await r.get(`/api/chat/sessions/${sessionId}/events`)).status(),
      (await r.patch(`/api/chat/sessions/${sessionId}`, { data: { title: "mine now" } })).status(),
      (await r.delete(`/api/chat/sessions/${sessionId}`)).status(),
      (await r.post(`/api/chat/messages/${messageId}/flag`, { data: { reason: "x" } })).status(),
      (await r.delete(`/api/chat/messages/${messageId}/flag`)).status(),
      (
        await r.post("/api/chat", {
          headers: json,
          data: { sessionId, model: FREE, message: { id: "b1", role: "user", parts: [{ type: "text", text: "hi" }] } },
        })
      ).status(),
    ];
    expect(statuses).toEqual([404, 404, 404, 404, 404, 404, 404]);
    const list = await ok<{ items: Array<{ id: string }> }>(await r.get("/api/user/session/list"));
    expect(list.items.map((s) => s.id)).not.toContain(sessionId);
  } finally {
    await b.context.close();
  }
  // A's conversation is untouched.
  await page.reload();
  await expect(page.getByTestId("chat-title")).not.toHaveText("mine now");
  await expect(page.locator('[data-testid="message"][data-role="user"]')).toContainText("secret plans of A");
});

async function otherUser(browser: Browser) {
  const context = await browser.newContext({
    baseURL: process.env.E2E_BASE_URL,
    extraHTTPHeaders: { origin: process.env.E2E_BASE_URL ?? "" },
  });
  const page = await context.newPage();
  await signUp(page, "other-b");
  return { context, page };
}

test("the balance in the header drops after a message without a reload; at zero the chat says why", async ({
  page,
}, testInfo) => {
  const user = await signUp(page, "balance");
  await setBalance(page.request, user.id, "1");
  await page.goto("/");
  const balance = page.getByTestId("header-balance");
  await expect(balance).toHaveAttribute("data-balance", "1.000000");
  await expect(balance).toHaveText("$1.00");

  await chooseModel(page, PRICED.publicId);
  await send(page, "How much does this cost?");
  await waitForAnswer(page);
  // 5 answer words + the title call's words, at $0.001 each, live from the balance stream.
  await expect(balance).not.toHaveAttribute("data-balance", "1.000000");
  const after = Number(await balance.getAttribute("data-balance"));
  expect(after).toBeLessThan(1);
  expect(after).toBeGreaterThan(0.9);
  await shot(page, testInfo, "balance-dropped");

  // The title call is billed too, and settles after its answer: lowering the balance before then
  // would let that settlement take it below zero. So wait for the title, then for nothing reserved.
  await expect(page.getByTestId("chat-title")).toHaveText("tok0 tok1 tok2 tok3 tok4", { timeout: 15_000 });
  await waitUntilSettled(page.request);
  // Both calls settled: 5 answer tokens each at $0.001, prompts free.
  await expect(balance).toHaveAttribute("data-balance", "0.990000");

  await setBalance(page.request, user.id, "0");
  await expect(balance).toHaveAttribute("data-balance", "0.000000");
  await send(page, "And now?");
  const error = page.getByTestId("chat-error");
  await expect(error).toBeVisible();
  await expect(error).toHaveAttribute("data-status", "402");
  await expect(page.getByTestId("chat-error-title")).toHaveText("Balance used up");
  await expect(page.getByTestId("chat-error-message")).toContainText("Insufficient balance on your account");
  await expect(error).toContainText("top up");
  await shot(page, testInfo, "zero-balance-402");
});

test("a conversation open in two tabs shows new messages in both", async ({ page, context }, testInfo) => {
  await signUp(page, "tabs");
  await page.goto("/");
  await chooseModel(page, FREE);
  await send(page, "echo: first words");
  await waitForAnswer(page);
  const sessionId = sessionIdFrom(page);

  const second = await context.newPage();
  await second.goto(`/chat/${sessionId}`);
  await expect(answers(second)).toHaveCount(1);

  await send(page, "echo: said in tab one");
  await waitForAnswer(page);
  await expect(second.locator('[data-testid="message"][data-role="user"]').last()).toContainText(
    "echo: said in tab one",
  );
  await expect(answers(second).last().getByTestId("message-text")).toHaveText("said in tab one");
  await shot(second, testInfo, "second-tab");
});

test("the sidebar searches, renames and deletes (after confirmation) conversations", async ({ page }, testInfo) => {
  await signUp(page, "sidebar");
  await page.goto("/");
  await chooseModel(page, FREE);
  for (const word of ["apples", "bananas"]) {
    await page.keyboard.press("ControlOrMeta+Shift+O");
    await expect(page).toHaveURL("/");
    await expect(page.getByTestId("chat-empty")).toBeVisible();
    await send(page, `echo: ${word} are tasty`);
    await waitForAnswer(page);
  }
  const items = page.getByTestId("session-item");
  await expect(items).toHaveCount(2);
  // Newest first.
  await expect(items.first().getByTestId("session-title")).toContainText("bananas");

  await page.getByTestId("session-search").fill("apples");
  await expect(items).toHaveCount(1);
  await expect(items.first().getByTestId("session-title")).toContainText("apples");
  await page.getByTestId("session-search").fill("nothing like this");
  await expect(page.getByTestId("sessions-empty")).toBeVisible();
  await page.getByTestId("session-search").fill("");
  await expect(items).toHaveCount(2);

  const apples = items.filter({ hasText: "apples" });
  await apples.hover();
  await apples.getByTestId("session-rename").click();
  await page.getByTestId("session-rename-input").fill("Fruit notes");
  await page.getByTestId("session-rename-input").press("Enter");
  await expect(items.filter({ hasText: "Fruit notes" })).toHaveCount(1);

  const renamed = items.filter({ hasText: "Fruit notes" });
  await renamed.hover();
  await renamed.getByTestId("session-delete").click();
  await expect(page.getByTestId("confirm-dialog")).toBeVisible();
  await shot(page, testInfo, "confirm-delete");
  await page.getByTestId("confirm-button").click();
  await expect(items).toHaveCount(1);
  await page.reload();
  await expect(items).toHaveCount(1);
  await expect(items.first()).toContainText("bananas");
});

test("message actions: regenerate, edit and resend, copy, flag; an image for a model that takes images", async ({
  page,
  context,
}, testInfo) => {
  await signUp(page, "actions");
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/");
  await chooseModel(page, FREE);
  await send(page, "echo: first version");
  await waitForAnswer(page);
  const last = () => answers(page).last();

  const firstId = await last().getAttribute("data-message-id");
  await last().getByTestId("message-regenerate").click();
  await waitForAnswer(page);
  await expect(answers(page)).toHaveCount(1);
  await expect(last()).not.toHaveAttribute("data-message-id", firstId!);
  await expect(last().getByTestId("message-text")).toHaveText("first version");

  const question = page.locator('[data-testid="message"][data-role="user"]').last();
  await question.getByTestId("message-edit").click();
  await page.getByTestId("message-edit-input").fill("echo: second version");
  await page.getByTestId("message-edit-save").click();
  await waitForAnswer(page);
  await expect(page.locator('[data-testid="message"][data-role="user"]')).toHaveCount(1);
  await expect(question).toContainText("echo: second version");
  await expect(last().getByTestId("message-text")).toHaveText("second version");

  await last().getByTestId("message-copy").click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe("second version");

  await last().getByTestId("message-flag").click();
  await page.getByTestId("flag-reason").fill("This is made up");
  await page.getByTestId("flag-submit").click();
  await expect(last().getByTestId("message-unflag")).toBeVisible();
  await expect(last()).toContainText("Flag: This is made up");
  await shot(page, testInfo, "flagged");

  await page.reload();
  await expect(last().getByTestId("message-text")).toHaveText("second version");
  await expect(last()).toContainText("Flag: This is made up");
  await last().getByTestId("message-unflag").click();
  await expect(last().getByTestId("message-flag")).toBeVisible();

  // Images: only offered for a model marked as taking them, and sent along with the text.
  const models = await ok<{ items: Array<{ id: string; publicId: string }> }>(
    await page.request.get("/api/admin/model/list?q=fake-vision", { headers: adminHeaders() }),
  );
  const vision = models.items.find((m) => m.publicId === "fake-vision")!;
  await ok(
    await page.request.post("/api/admin/model/update", {
      headers: adminHeaders(),
      data: { id: vision.id, supportsImages: true },
    }),
  );
  await page.keyboard.press("ControlOrMeta+Shift+O");
  await expect(page).toHaveURL("/");
  await expect(page.getByTestId("chat-empty")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("chat-empty")).toBeVisible();
  // The attach button is always there (documents go to every model); an image only to a model that takes images.
  const png = Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
    "base64",
  );
  await page.getByTestId("attachment-input").setInputFiles({ name: "dot.png", mimeType: "image/png", buffer: png });
  await expect(page.getByTestId("attachment-problems")).toContainText("this model does not accept images");
  await chooseModel(page, "fake-vision");
  await expect(page.getByTestId("attach-button")).toBeVisible();
  await page.getByTestId("attachment-input").setInputFiles({ name: "dot.png", mimeType: "image/png", buffer: png });
  await expect(page.getByTestId("attachment-preview").locator("img")).toHaveCount(1);
  await page
    .getByTestId("attachment-input")
    .setInputFiles({ name: "setup.exe", mimeType: "application/x-msdownload", buffer: Buffer.from("MZ") });
  await expect(page.getByTestId("attachment-problems")).toContainText(
    "only images, PDF, Word (DOCX), text, Markdown, CSV and code files",
  );
  await send(page, "echo: nice picture");
  await waitForAnswer(page);
  await expect(page.locator('[data-testid="message"][data-role="user"] img')).toHaveAttribute(
    "src",
    /^data:image\/png;base64,/,
  );
  await expect(last().getByTestId("message-text")).toHaveText("nice picture");
  await shot(page, testInfo, "image-sent");
});

test.describe("on a phone (390×844)", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the chat and the sidebar drawer fit without horizontal scroll", async ({ page }, testInfo) => {
    await signUp(page, "phone-chat");
    await page.goto("/");
    await chooseModel(page, FREE);
    await send(
      page,
      "echo: | a | b |\n|---|---|\n| a long cell with words | `some_code_that_is_rather_long_indeed()` |",
    );
    await waitForAnswer(page);
    await send(
      page,
      "echo: ```js\nconst greeting = 'hello world, this line of code is wider than a phone screen';\n```",
    );
    await waitForAnswer(page);
    const width = () => page.evaluate(() => document.documentElement.scrollWidth);
    expect(await width()).toBeLessThanOrEqual(390);
    await expect(page.getByTestId("sidebar")).toBeHidden();
    await shot(page, testInfo, "phone-chat");

    await page.getByTestId("open-sidebar").click();
    const sidebar = page.getByTestId("sidebar");
    await expect(sidebar).toBeVisible();
    await expect(sidebar.getByTestId("session-item")).toHaveCount(1);
    expect(await width()).toBeLessThanOrEqual(390);
    const box = await sidebar.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    await shot(page, testInfo, "phone-sidebar");

    await sidebar.getByTestId("new-chat").click();
    await expect(sidebar).toBeHidden();
    await expect(page.getByTestId("chat-empty")).toBeVisible();
  });
});

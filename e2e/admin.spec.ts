// /admin: an admin issues a key with a balance, recharges it and sees the payments; the key's
// traffic shows in threads and in the usage chart; an Ollama install shows its progress to 100 %;
// the live metrics chart fills; admin pages render user- and admin-supplied text inert.

import type { Page, TestInfo } from "@playwright/test";
import OpenAI from "openai";
import { chooseModel } from "./chat-helpers";
import { admin, expect as baseExpect, test, uniqueEmail } from "./fixtures";

// Page loads wait on one server with an embedded database, on a machine that may be busy.
const expect = baseExpect.configure({ timeout: 20_000 });
test.describe.configure({ timeout: 120_000 });

async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

async function signInAsAdmin(page: Page): Promise<void> {
  const res = await page.request.post("/api/auth/login", { data: { email: admin.email, password: admin.password } });
  if (!res.ok()) throw new Error(`admin login answered ${res.status()}: ${await res.text()}`);
}

/** Every element of the page that could run script: handlers, script tags, javascript: URLs. */
async function scriptableElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    for (const el of document.body.querySelectorAll("*")) {
      if (["IFRAME", "OBJECT", "EMBED"].includes(el.tagName)) found.push(el.tagName);
      if (el.tagName === "SCRIPT" && !el.hasAttribute("src") && /alert\(/.test(el.textContent ?? ""))
        found.push("inline SCRIPT with the payload");
      for (const attr of el.getAttributeNames()) {
        const value = el.getAttribute(attr) ?? "";
        if (attr.startsWith("on")) found.push(`${el.tagName} ${attr}`);
        if (/^\s*(javascript|vbscript):/i.test(value)) found.push(`${el.tagName} ${attr}=${value}`);
      }
    }
    for (const img of document.body.querySelectorAll("img"))
      if (img.getAttribute("src") === "x") found.push("img src=x");
    return found;
  });
}

test("an admin issues a key with a balance, recharges it, sees both payments, then finds the key's traffic in threads and usage", async ({
  page,
}, testInfo) => {
  await signInAsAdmin(page);

  // Overview: today's figures and the live chart, fed by the metrics stream.
  await page.goto("/admin");
  await expect(page.getByTestId("stat-requests-today")).toBeVisible();
  await expect(page.getByTestId("metrics-state")).toHaveAttribute("data-state", "live");
  await expect
    .poll(async () => Number(await page.getByTestId("metrics-chart").getAttribute("data-points")), { timeout: 20_000 })
    .toBeGreaterThan(0);
  await shot(page, testInfo, "overview");

  // Issue a key to a new user with $5.00; the secret is shown once.
  const email = uniqueEmail("issued");
  await page.goto("/admin/keys");
  await page.getByTestId("apply-open").click();
  await page.getByTestId("apply-email").fill(email);
  await page.getByTestId("apply-name").fill("Issued in e2e");
  await page.getByTestId("apply-balance").fill("5");
  await page.getByTestId("apply-submit").click();
  const secret = (await page.getByTestId("issued-key-value").textContent())!.trim();
  expect(secret).toMatch(/^tg-[A-Za-z0-9]{40}$/);
  const keyId = (await page.getByTestId("issued-key").getAttribute("data-key-id"))!;
  expect(keyId).toBeTruthy();
  await shot(page, testInfo, "key-issued");
  await page.getByTestId("issued-key-done").click();

  // Recharge it by $2.50 (the row's actions are in its "⋯" menu).
  await expect(page.getByTestId(`key-row-${keyId}`)).toBeVisible();
  await page.getByTestId(`key-actions-${keyId}`).click();
  await page.getByTestId(`recharge-button-${keyId}`).click();
  await page.getByTestId("recharge-amount").fill("2.50");
  await page.getByTestId("recharge-submit").click();
  await expect(page.getByTestId("recharge-new-balance")).toContainText("7.50");
  await page.getByTestId("recharge-done").click();
  await expect(page.getByTestId(`key-balance-${keyId}`)).toContainText("7.50");

  // Both credits are payments of that key.
  await page.getByTestId(`key-actions-${keyId}`).click();
  await page.getByTestId(`key-payments-${keyId}`).click();
  await expect(page).toHaveURL(new RegExp(`/admin/payments\\?key_id=${keyId}`));
  const payments = page.getByTestId("payments-table").locator('[data-testid^="payment-row-"]');
  await expect(payments).toHaveCount(2);
  await expect(page.getByTestId("payments-table")).toContainText("2.50");
  await expect(page.getByTestId("payments-table")).toContainText("5.00");
  await shot(page, testInfo, "payments");

  // The new user calls the API with the key…
  const marker = `invoice question ${Date.now()}`;
  const client = new OpenAI({ apiKey: secret, baseURL: `${process.env.E2E_BASE_URL}/v1`, maxRetries: 0 });
  const completion = await client.chat.completions.create({
    model: "fake-model",
    messages: [{ role: "user", content: marker }],
  });
  expect(completion.choices[0].message.content).toBeTruthy();

  // …and the admin finds the call among the threads, filtered by the key, and opens it.
  await page.goto(`/admin/threads?key_id=${keyId}`);
  const rows = page.getByTestId("thread-row");
  await expect(rows).toHaveCount(1);
  await rows.first().click();
  const detail = page.getByTestId("thread-detail");
  await expect(detail).toHaveAttribute("aria-busy", "false");
  await expect(detail.getByTestId("thread-prompt")).toContainText(marker);
  await expect(detail.getByTestId("thread-status")).toContainText("OK");
  await expect(detail.getByTestId("thread-tokens")).toContainText(/\d/);
  await shot(page, testInfo, "thread");

  // The usage page charts today's requests and lists the key.
  await page.goto("/admin/usage");
  await expect
    .poll(async () => Number(await page.getByTestId("usage-chart-day").getAttribute("data-rows")))
    .toBeGreaterThan(0);
  await page.getByTestId("usage-tab-key").click();
  await expect(page.getByTestId("usage-table-key")).toContainText(/tg-/);
  await shot(page, testInfo, "usage");
});

test("installing an Ollama model from the catalog shows its progress reaching 100 %, then lists it", async ({
  page,
}, testInfo) => {
  await signInAsAdmin(page);
  await page.goto("/admin/ollama");
  await expect(page.getByTestId("ollama-available")).toBeVisible();
  await page.getByTestId("ollama-install-tinyllama").click();
  const progress = page.getByTestId("install-progress");
  await expect(progress).toBeVisible();
  await expect(page.getByTestId("install-percent")).toHaveText("100%", { timeout: 30_000 });
  await expect(progress).toHaveAttribute("aria-valuenow", "100");
  await expect(page.getByTestId("install-done")).toBeVisible();
  await expect(page.getByTestId("ollama-installed")).toContainText("tinyllama:1.1b");
  await shot(page, testInfo, "ollama-installed");
});

test("admin pages show a model description and a flag reason full of HTML as text, running nothing", async ({
  page,
  browser,
}, testInfo) => {
  const payload = `<img src=x onerror=alert(1)><svg onload=alert(2)></svg> [x](javascript:alert(3)) <script>alert(4)</script>`;
  const headers = { authorization: `Bearer ${process.env.E2E_ADMIN_TOKEN}` };

  // A model whose description is the payload.
  const providers = (await (await page.request.get("/api/admin/provider/list", { headers })).json()) as {
    items: Array<{ id: string; name: string }>;
  };
  const provider = providers.items.find((p) => p.name === "openai-compatible")!;
  const publicId = `xss-${Date.now()}`;
  const created = await page.request.post("/api/admin/model/create", {
    headers,
    data: {
      publicId,
      providerId: provider.id,
      upstreamId: "fake-model",
      inputPrice: "0",
      outputPrice: "0",
      description: payload,
    },
  });
  expect(created.ok(), await created.text()).toBe(true);

  // A user's message (the payload, echoed by the model) flagged with the payload as its reason.
  const userContext = await browser.newContext();
  const user = await userContext.newPage();
  await user.request.post("/api/auth/register", {
    data: { email: uniqueEmail("flagger"), password: "flagger-password-1", name: payload.slice(0, 60) },
  });
  await user.goto("/");
  await chooseModel(user, "fake-model");
  await user.getByTestId("chat-input").fill(`echo: ${payload}`);
  await user.getByTestId("chat-input").press("Enter");
  const answer = user.locator('[data-testid="message"][data-role="assistant"]').last();
  await expect(answer).toHaveAttribute("data-streaming", "false");
  await answer.getByTestId("message-flag").click();
  await user.getByTestId("flag-reason").fill(payload);
  await user.getByTestId("flag-submit").click();
  await expect(answer.getByTestId("message-unflag")).toBeVisible();
  await userContext.close();

  await signInAsAdmin(page);
  let dialogs = 0;
  page.on("dialog", async (dialog) => {
    dialogs++;
    await dialog.dismiss();
  });

  await page.goto("/admin/flags");
  const reason = page.getByTestId("flag-reason").first();
  await expect(reason).toContainText("<img src=x onerror=alert(1)>");
  await expect(page.getByTestId("flag-text").first()).toContainText("<svg onload=alert(2)>");
  expect(await scriptableElements(page)).toEqual([]);
  await shot(page, testInfo, "flags-inert");

  await page.goto(`/admin/models`);
  await expect(page.getByTestId("models-table")).toContainText("<img src=x onerror=alert(1)>");
  expect(await scriptableElements(page)).toEqual([]);

  await page.goto("/admin/sessions");
  await expect(page.getByTestId("sessions-table")).toBeVisible();
  expect(await scriptableElements(page)).toEqual([]);

  await page.waitForTimeout(300);
  expect(dialogs).toBe(0);
});

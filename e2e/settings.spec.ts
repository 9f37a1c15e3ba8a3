// /settings: API keys (created once, used with the OpenAI SDK, revoked), usage, password.

import type { Page, TestInfo } from "@playwright/test";
import OpenAI from "openai";
import { expect as baseExpect, test, uniqueEmail } from "./fixtures";

// Page loads wait on one server with an embedded database, on a machine that may be busy.
const expect = baseExpect.configure({ timeout: 20_000 });
test.describe.configure({ timeout: 120_000 });

const PASSWORD = "settings-password-123";

async function signUp(page: Page, label: string): Promise<string> {
  const email = uniqueEmail(label);
  const res = await page.request.post("/api/auth/register", { data: { email, password: PASSWORD, name: "" } });
  if (!res.ok()) throw new Error(`register answered ${res.status()}: ${await res.text()}`);
  return email;
}

async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

function sdk(apiKey: string): OpenAI {
  return new OpenAI({ apiKey, baseURL: `${process.env.E2E_BASE_URL}/v1`, maxRetries: 0 });
}

test("an API key made in Settings works with the OpenAI SDK; its conversation shows in the sidebar marked API", async ({
  page,
}, testInfo) => {
  await signUp(page, "keys");
  await page.goto("/settings");
  await expect(page.getByTestId("settings-page")).toBeVisible();
  await expect(page.getByTestId("usage-empty")).toBeVisible();

  await page.getByTestId("key-name").fill("laptop scripts");
  await page.locator('[data-testid="key-model"][value="fake-model"]').check();
  await page.getByTestId("key-create").click();
  const secret = (await page.getByTestId("new-key-value").textContent())!.trim();
  expect(secret).toMatch(/^tg-[A-Za-z0-9]{40}$/);
  await expect(page.getByTestId("key-row")).toHaveCount(1);
  await expect(page.getByTestId("key-row")).toHaveAttribute("data-status", "active");
  await expect(page.getByTestId("key-row")).toContainText("fake-model");
  await shot(page, testInfo, "1-key-created");
  // Shown once: gone after "Done" and after a reload.
  await page.getByRole("button", { name: "Done" }).click();
  await page.reload();
  await expect(page.getByTestId("new-key")).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);

  const client = sdk(secret);
  const first = await client.chat.completions.create({
    model: "fake-model",
    messages: [{ role: "user", content: "echo: hello from the OpenAI SDK" }],
  });
  expect(first.choices[0].message.content).toBe("hello from the OpenAI SDK");
  // The next turn re-sends the conversation, as stateless clients do: it continues the same session.
  const stream = await client.chat.completions.create({
    model: "fake-model",
    stream: true,
    messages: [
      { role: "user", content: "echo: hello from the OpenAI SDK" },
      { role: "assistant", content: first.choices[0].message.content },
      { role: "user", content: "echo: and a second turn" },
    ],
  });
  let streamed = "";
  for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? "";
  expect(streamed).toBe("and a second turn");
  // The key is limited to fake-model.
  await expect(
    client.chat.completions.create({ model: "fake-vision", messages: [{ role: "user", content: "hi" }] }),
  ).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);

  await page.goto("/");
  const item = page.locator('[data-testid="session-item"][data-source="API"]');
  await expect(item).toHaveCount(1);
  await expect(item.getByTestId("session-api-badge")).toHaveText("API");
  await expect(item.getByTestId("session-title")).toHaveText("echo: hello from the OpenAI SDK");
  await shot(page, testInfo, "2-api-session-in-sidebar");

  await item.getByTestId("session-link").click();
  await expect(page).toHaveURL(/\/chat\//);
  const messages = page.getByTestId("message");
  await expect(messages).toHaveCount(4);
  await expect(messages.nth(1)).toContainText("hello from the OpenAI SDK");
  await expect(messages.nth(3)).toContainText("and a second turn");
  await expect(page.getByTestId("chat-input")).toBeDisabled();
  await shot(page, testInfo, "3-api-session-opened");

  await page.goto("/settings");
  const row = page.locator('[data-testid="usage-row"]', { hasText: "fake-model" });
  await expect(row).toHaveCount(1);
  await expect(row.locator("td").nth(2)).toHaveText("2");
  await expect(page.getByTestId("usage-chart")).toBeVisible();
  const usage = page.locator('section[aria-labelledby="usage-heading"]');
  await usage.scrollIntoViewIfNeeded();
  const path = testInfo.outputPath("4-usage.png");
  await usage.screenshot({ path });
  await testInfo.attach("4-usage", { path, contentType: "image/png" });

  await page.getByTestId("key-revoke").click();
  await expect(page.getByTestId("confirm-dialog")).toBeVisible();
  await page.getByTestId("confirm-button").click();
  await expect(page.getByTestId("key-row")).toHaveAttribute("data-status", "revoked");
  await expect(
    client.chat.completions.create({ model: "fake-model", messages: [{ role: "user", content: "hi" }] }),
  ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  await shot(page, testInfo, "5-key-revoked");
});

test("change the password: the old one stops working, the new one signs in", async ({ page, playwright }, testInfo) => {
  const email = await signUp(page, "password");
  await page.goto("/settings");
  const form = page.getByTestId("password-form");
  await form.locator('input[name="currentPassword"]').fill("not-my-password");
  await form.locator('input[name="newPassword"]').fill("a-brand-new-password");
  await form.locator('input[name="confirmPassword"]').fill("a-brand-new-password");
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByTestId("password-message")).toHaveText("The current password is wrong");

  await form.locator('input[name="currentPassword"]').fill(PASSWORD);
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByTestId("password-message")).toHaveText(
    "Your password was changed; your other sessions and tokens were signed out.",
  );
  await shot(page, testInfo, "password-changed");

  const fresh = await playwright.request.newContext({ baseURL: process.env.E2E_BASE_URL });
  try {
    expect((await fresh.post("/api/auth/login", { data: { email, password: PASSWORD } })).status()).toBe(401);
    expect((await fresh.post("/api/auth/login", { data: { email, password: "a-brand-new-password" } })).status()).toBe(
      200,
    );
  } finally {
    await fresh.dispose();
  }
});

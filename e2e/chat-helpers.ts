// Shared by the chat specs of the second step: models on the fake upstream, accounts, sending.
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, uniqueEmail } from "./fixtures";

export const PASSWORD = "chat-password-123";

export type ModelSpec = {
  publicId: string;
  upstreamId: string;
  inputPrice: string;
  outputPrice: string;
  maxOutputTokens: number;
  supportsImages?: boolean;
  supportsTools?: boolean;
  description?: string;
};

/** 30 words, 150 ms apart; $0.001 per output token, prompts free. */
export const SLOW: ModelSpec = {
  publicId: "e2e-slow",
  upstreamId: "fake-model:chunks=30:idle=150",
  inputPrice: "0",
  outputPrice: "1000",
  maxOutputTokens: 200,
};
/** Answers at once, at the same price. */
export const PRICED: ModelSpec = {
  publicId: "e2e-priced",
  upstreamId: "fake-model",
  inputPrice: "0",
  outputPrice: "1000",
  maxOutputTokens: 200,
};

export function adminHeaders(): Record<string, string> {
  return { authorization: `Bearer ${process.env.E2E_ADMIN_TOKEN}` };
}

export async function ok<T>(res: Awaited<ReturnType<APIRequestContext["get"]>>): Promise<T> {
  if (!res.ok()) throw new Error(`${res.url()} answered ${res.status()}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** Publishes a model on the fake upstream's provider through the admin API (once per server). */
export async function ensureModel(request: APIRequestContext, model: ModelSpec): Promise<void> {
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

export async function ensureModels(
  baseURL: string | undefined,
  playwright: { request: { newContext: (o: { baseURL?: string }) => Promise<APIRequestContext> } },
  models: ModelSpec[],
) {
  const request = await playwright.request.newContext({ baseURL: baseURL ?? process.env.E2E_BASE_URL });
  try {
    for (const m of models) await ensureModel(request, m);
  } finally {
    await request.dispose();
  }
}

export async function setBalance(request: APIRequestContext, userId: string, balance: string): Promise<void> {
  await ok(await request.post("/api/admin/user/update", { headers: adminHeaders(), data: { id: userId, balance } }));
}

/**
 * Waits until the signed-in user's limits hold nothing reserved, i.e. every request so far is settled.
 * An answer comes before its settlement (and a chat's title call settles after its own answer), so a
 * step that sets the balance waits for this first, or a late settlement would change what it set.
 */
export async function waitUntilSettled(request: APIRequestContext): Promise<void> {
  await expect
    .poll(
      async () => {
        const { levels } = await ok<{ levels: Array<{ reserved: string }> }>(await request.get("/api/user/limits"));
        return levels.length > 0 && levels.every((l) => /^0\.0+$/.test(l.reserved));
      },
      { timeout: 20_000 },
    )
    .toBe(true);
}

/** A new account, signed in in this page's browser context. */
export async function signUp(page: Page, label: string): Promise<{ id: string; email: string }> {
  const email = uniqueEmail(label);
  const { user } = await ok<{ user: { id: string } }>(
    await page.request.post("/api/auth/register", { data: { email, password: PASSWORD, name: "" } }),
  );
  return { id: user.id, email };
}

export async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId("chat-input").fill(text);
  await page.getByTestId("chat-input").press("Enter");
}

export const answers = (page: Page) => page.locator('[data-testid="message"][data-role="assistant"]');
export const questions = (page: Page) => page.locator('[data-testid="message"][data-role="user"]');

export async function waitForAnswer(page: Page): Promise<void> {
  await expect(page.getByTestId("send-button")).toBeVisible({ timeout: 20_000 });
  await expect(answers(page).last()).toHaveAttribute("data-streaming", "false");
}

export function sessionIdFrom(page: Page): string {
  const match = /\/chat\/([^/?#]+)/.exec(page.url());
  if (!match) throw new Error(`not on a conversation page: ${page.url()}`);
  return match[1];
}

/** Picks a model in the chat toolbar's picker (a searchable popover). */
export async function chooseModel(page: Page, id: string): Promise<void> {
  await page.getByTestId("model-picker").click();
  await page.getByTestId("model-search").fill(id);
  await page.locator(`[data-testid="model-option"][data-model-id="${id}"]`).click();
  await expect(page.getByTestId("model-picker")).toHaveAttribute("data-value", id);
}

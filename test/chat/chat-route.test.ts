import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flushRecords } from "@/lib/billing/recorder";
import { decodeChatError } from "@/lib/chat/chat-error";
import { backgroundSettled } from "@/lib/shutdown";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { startInFreshMinute } from "../helpers/clock";
import { seedProviders } from "../helpers/gateway";
import { answerText, chatUser, db, postChat, readEvents, settled, userMessage } from "./helpers";

const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  await seedProviders(up, { input: "1", output: "2" });
});
afterAll(() => up.close());

describe("POST /api/chat", () => {
  it("goes through the gateway pipeline: a CHAT request is recorded, charged, and both turns are saved", async () => {
    const { user, cookie } = await chatUser({ balance: 1_000_000n });
    const res = await postChat(cookie, { model: "compat-fake", message: userMessage("hello there, how are you?") });
    expect(res.status).toBe(200);
    const sessionId = res.headers.get("x-chat-session-id")!;
    expect(sessionId).toBeTruthy();
    const events = await readEvents(res);
    expect(answerText(events)).toBe("tok0 tok1 tok2 tok3 tok4 ");

    const d = await db();
    const request = await settled(() => d.request.findFirst({ where: { userId: user.id, sessionId, status: "OK" } }));
    expect(request).toMatchObject({ source: "CHAT", apiKeyId: null, model: "compat-fake", completionTokens: 5 });
    expect(request.cost).toBeGreaterThan(0n);
    const limit = await d.limit.findUniqueOrThrow({ where: { userId: user.id } });
    expect(limit.balance).toBeLessThan(1_000_000n);

    const messages = await settled(async () => {
      const rows = await d.message.findMany({ where: { sessionId }, orderBy: { createdAt: "asc" } });
      return rows.length === 2 ? rows : null;
    });
    expect(messages.map((m) => [m.role, m.text, m.partial])).toEqual([
      ["user", "hello there, how are you?", false],
      ["assistant", "tok0 tok1 tok2 tok3 tok4 ", false],
    ]);
    const session = await settled(async () => {
      const s = await d.chatSession.findUniqueOrThrow({ where: { id: sessionId } });
      return s.title !== "hello there, how are you?" ? s : null;
    });
    expect(session).toMatchObject({ source: "CHAT", model: "compat-fake", title: "tok0 tok1 tok2 tok3 tok4" });
  });
});

describe("the title the model gives a new conversation", () => {
  it("is background work the process waits for: once it has settled, the title and its billed request are there", async () => {
    await seedSlowModel();
    const { user, cookie } = await chatUser({ balance: 1_000_000n });
    // A slow model: the title request takes about as long as the answer (40 chunks, 40 ms apart).
    const res = await postChat(cookie, { model: "slow-fake", message: userMessage("name this chat") });
    const sessionId = res.headers.get("x-chat-session-id")!;
    await readEvents(res);
    await backgroundSettled();
    await flushRecords();
    const d = await db();
    // No polling: everything the turn started has landed.
    const session = await d.chatSession.findUniqueOrThrow({ where: { id: sessionId } });
    expect(session.title).not.toBe("name this chat");
    const requests = await d.request.findMany({ where: { userId: user.id, sessionId } });
    expect(requests.map((r) => r.status)).toEqual(["OK", "OK"]);
  });
});

describe("stopping an answer", () => {
  it("keeps the partial answer (partial=true) and bills only the tokens produced", async () => {
    await seedSlowModel();
    const { user, cookie } = await chatUser({ balance: 1_000_000n });
    const controller = new AbortController();
    const res = await postChat(
      cookie,
      { model: "slow-fake", message: userMessage("tell me a long story") },
      controller.signal,
    );
    const sessionId = res.headers.get("x-chat-session-id")!;
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while ((text.match(/"text-delta"/g) ?? []).length < 3) {
      const { value, done } = await reader.read();
      if (done) throw new Error("stream ended early");
      text += decoder.decode(value, { stream: true });
    }
    controller.abort();
    await reader.cancel().catch(() => {});

    const d = await db();
    const answer = await settled(() => d.message.findFirst({ where: { sessionId, role: "assistant" } }));
    expect(answer.partial).toBe(true);
    const words = answer.text.trim().split(/\s+/).length;
    expect(words).toBeGreaterThanOrEqual(3);
    expect(words).toBeLessThan(40);
    const request = await settled(() =>
      d.request.findFirst({ where: { userId: user.id, sessionId, status: { not: "PENDING" } } }),
    );
    expect(request.status).toBe("ABORTED");
    expect(request.completionTokens).toBeGreaterThanOrEqual(words);
    expect(request.completionTokens).toBeLessThanOrEqual(words + 1);
    // $1 / $2 per million: the charge is for what was produced, not the 40 tokens asked for.
    expect(request.cost).toBe(BigInt(request.promptTokens) * 1n + BigInt(request.completionTokens) * 2n);
    // Nothing but the partial answer: no title call after a stopped first answer.
    const session = await d.chatSession.findUniqueOrThrow({ where: { id: sessionId } });
    expect(session.title).toBe("tell me a long story");
  });
});

let slowSeeded = false;
async function seedSlowModel() {
  if (slowSeeded) return;
  slowSeeded = true;
  const d = await db();
  const provider = await d.provider.findUniqueOrThrow({ where: { name: "vllm-test" } });
  const { createModel } = await import("@/lib/providers/admin");
  await createModel({
    publicId: "slow-fake",
    providerId: provider.id,
    // 6 s in all: Stop (after three words) lands well before the end even on a loaded machine.
    upstreamId: "fake-model:chunks=40:idle=150",
    inputPrice: "1",
    outputPrice: "2",
  });
}

describe("limits reach the page with their details", () => {
  it("at zero balance the stream carries the 402 and names the balance limit", async () => {
    const { cookie } = await chatUser({ balance: 0n });
    const res = await postChat(cookie, { model: "compat-fake", message: userMessage("anything") });
    const error = errorOf(await readEvents(res));
    expect(error).toMatchObject({ status: 402, code: "insufficient_quota", limit: "balance", level: "user" });
    expect(error.message).toMatch(/Insufficient balance on your account/);
  });

  it("a daily request limit says when it resets", async () => {
    const { user, cookie } = await chatUser();
    const d = await db();
    await d.limit.update({ where: { userId: user.id }, data: { dailyRequestLimit: 1 } });
    await readEvents(await postChat(cookie, { model: "compat-fake", message: userMessage("first") }));
    const error = errorOf(
      await readEvents(await postChat(cookie, { model: "compat-fake", message: userMessage("second") })),
    );
    expect(error).toMatchObject({ status: 429, limit: "daily_requests", level: "user" });
    expect(new Date(error.resetsAt!).getTime()).toBeGreaterThan(Date.now());
  });

  it("a requests-per-minute limit from the user's Limit row applies, with a reset time", async () => {
    startInFreshMinute();
    const { cookie } = await chatUser({ rpm: 1 });
    await readEvents(await postChat(cookie, { model: "compat-fake", message: userMessage("first") }));
    const error = errorOf(
      await readEvents(await postChat(cookie, { model: "compat-fake", message: userMessage("second") })),
    );
    expect(error).toMatchObject({ status: 429, limit: "rpm", level: "user" });
    expect(error.resetsAt).toBeTruthy();
  });
});

describe("conversations", () => {
  it("continues a conversation with its history, and remembers the model", async () => {
    const { cookie } = await chatUser();
    const first = await postChat(cookie, { model: "compat-fake", message: userMessage("echo: one two") });
    const sessionId = first.headers.get("x-chat-session-id")!;
    await readEvents(first);
    await settled(async () => (await (await db()).message.count({ where: { sessionId } })) === 2);
    up.reset();
    const second = await postChat(cookie, { sessionId, model: "gpt-fake", message: userMessage("echo: three") });
    expect(second.headers.get("x-chat-session-id")).toBe(sessionId);
    expect(answerText(await readEvents(second))).toBe("three");
    const sent = up.requests.find((r) => r.path === "/v1/chat/completions" && (r.body as { stream?: boolean }).stream)!
      .body as { messages: Array<{ role: string; content: unknown }> };
    expect(sent.messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    const session = await (await db()).chatSession.findUniqueOrThrow({ where: { id: sessionId } });
    expect(session.model).toBe("gpt-fake");
  });

  it("someone else's conversation is not found; an API conversation cannot be continued here", async () => {
    const a = await chatUser();
    const b = await chatUser();
    const res = await postChat(a.cookie, { model: "compat-fake", message: userMessage("mine") });
    const sessionId = res.headers.get("x-chat-session-id")!;
    await readEvents(res);
    const foreign = await postChat(b.cookie, { sessionId, model: "compat-fake", message: userMessage("let me in") });
    expect(foreign.status).toBe(404);
    expect(await (await db()).message.count({ where: { sessionId, text: "let me in" } })).toBe(0);

    const d = await db();
    const api = await d.chatSession.create({ data: { userId: a.user.id, source: "API", title: "from a script" } });
    expect(
      (await postChat(a.cookie, { sessionId: api.id, model: "compat-fake", message: userMessage("hi") })).status,
    ).toBe(409);
  });
});

describe("input checks", () => {
  it("answers bad input with 400, an unknown model with 404, an API key with 403, no session with 401", async () => {
    const { cookie, key } = await chatUser();
    const cases: Array<[unknown, number]> = [
      [{ message: userMessage("no model") }, 400],
      [{ model: "compat-fake" }, 400],
      [{ model: "compat-fake", message: { id: "x", role: "user", parts: [] } }, 400],
      [{ model: "compat-fake", message: { id: "x", role: "assistant", parts: [{ type: "text", text: "hi" }] } }, 400],
      [{ model: "compat-fake", action: "regenerate" }, 400],
      [{ model: "nope", message: userMessage("hi") }, 404],
    ];
    for (const [body, status] of cases)
      expect((await postChat(cookie, body)).status, JSON.stringify(body)).toBe(status);
    const { call } = await import("../helpers/app");
    const chatRoute = await import("@/app/api/chat/route");
    expect(
      (await call(chatRoute.POST, { bearer: key, body: { model: "compat-fake", message: userMessage("hi") } })).status,
    ).toBe(403);
    expect((await call(chatRoute.POST, { body: { model: "compat-fake", message: userMessage("hi") } })).status).toBe(
      401,
    );
  });
});

describe("images", () => {
  const png = `data:image/png;base64,${Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).toString("base64")}`;
  const withImage = (url: string, mediaType = "image/png") => ({
    id: `img${Math.random().toString(36).slice(2, 10)}`,
    role: "user",
    parts: [
      { type: "file", mediaType, filename: "a.png", url },
      { type: "text", text: "what is this?" },
    ],
  });

  it("are sent to models that accept images as image_url data URLs", async () => {
    const d = await db();
    await d.model.update({ where: { publicId: "gpt-fake" }, data: { supportsImages: true } });
    const { invalidateCatalog } = await import("@/lib/providers/catalog");
    invalidateCatalog();
    const { cookie } = await chatUser();
    up.reset();
    const res = await postChat(cookie, { model: "gpt-fake", message: withImage(png) });
    expect(res.status).toBe(200);
    await readEvents(res);
    const sent = up.requests.find((r) => r.path === "/v1/chat/completions" && (r.body as { stream?: boolean }).stream)!
      .body as {
      messages: Array<{ content: Array<{ type: string; image_url?: { url: string } }> }>;
    };
    expect(sent.messages[0].content).toContainEqual({ type: "image_url", image_url: { url: png } });
  });

  it("are refused for other models, for wrong types, fake content and over 5 MB", async () => {
    const { cookie } = await chatUser();
    const big = `data:image/png;base64,${Buffer.alloc(5 * 1024 * 1024 + 10, 1).toString("base64")}`;
    const cases: Array<[string, unknown]> = [
      ["compat-fake", withImage(png)],
      ["gpt-fake", withImage("data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=", "image/svg+xml")],
      ["gpt-fake", withImage(`data:image/png;base64,${Buffer.from("<script>alert(1)</script>").toString("base64")}`)],
      ["gpt-fake", withImage(png.replace("image/png", "image/gif"))],
      ["gpt-fake", withImage(big)],
    ];
    for (const [model, message] of cases) {
      const res = await postChat(cookie, { model, message });
      expect(res.status, model).toBe(400);
    }
  });
});

function errorOf(events: Array<{ type: string; errorText?: string }>) {
  const error = events.find((e) => e.type === "error");
  if (!error?.errorText) throw new Error(`no error in the stream: ${JSON.stringify(events)}`);
  return decodeChatError(error.errorText);
}

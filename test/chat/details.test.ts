import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as detailRoute from "@/app/api/user/session/detail/[id]/route";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { call, json, startApp } from "../helpers/app";
import { seedProviders } from "../helpers/gateway";
import { chatUser, db, postChat, readEvents, settled, userMessage } from "./helpers";

const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  // $1 in, $2 out per million tokens.
  await seedProviders(up);
});
afterAll(() => up.close());

type Details = {
  requestId: string;
  promptTokens: number;
  completionTokens: number;
  cost: string;
  ttftMs: number | null;
};

describe("per-answer details", () => {
  it("the stream ends with the answer's tokens, cost and time to first word, and they match its settled request", async () => {
    const { cookie } = await chatUser({ balance: 1_000_000n });
    const res = await postChat(cookie, { model: "compat-fake", message: userMessage("hello there") });
    const sessionId = res.headers.get("x-chat-session-id")!;
    const events = await readEvents(res);
    const finish = events.find((e) => e.type === "finish") as { messageMetadata?: { details?: Details } } | undefined;
    const live = finish?.messageMetadata?.details;
    expect(live).toBeDefined();
    expect(live!.completionTokens).toBeGreaterThan(0);
    expect(live!.ttftMs).toBeGreaterThanOrEqual(0);

    const d = await db();
    const request = await settled(async () => d.request.findFirst({ where: { id: live!.requestId, status: "OK" } }));
    expect(live!.promptTokens).toBe(request.promptTokens);
    expect(live!.completionTokens).toBe(request.completionTokens);
    // The footer's price is the bill's, to the micro-unit.
    expect(BigInt(live!.cost.replace(".", ""))).toBe(request.cost);
    const saved = await settled(async () => d.message.findFirst({ where: { sessionId, role: "assistant" } }));
    expect(saved.requestId).toBe(request.id);

    const detail = await json<{
      messages: Array<{ role: string; requestId: string | null }>;
      requests: Array<{ id: string; ttftMs: number | null; cost: string }>;
    }>(await call(detailRoute.GET, { cookie, params: { id: sessionId } }));
    const answer = detail.messages.find((m) => m.role === "assistant")!;
    const stored = detail.requests.find((r) => r.id === answer.requestId)!;
    expect(stored.cost).toBe(live!.cost);
    expect(stored).toHaveProperty("ttftMs");
  });
});

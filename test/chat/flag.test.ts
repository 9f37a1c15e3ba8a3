import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as flagRoute from "@/app/api/chat/messages/[id]/flag/route";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { call, startApp } from "../helpers/app";
import { seedProviders } from "../helpers/gateway";
import { chatUser, db, postChat, readEvents, settled, userMessage } from "./helpers";

const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
});
afterAll(() => up.close());

describe("POST|DELETE /api/chat/messages/{id}/flag", () => {
  it("flags with an optional reason and unflags, for the owner only", async () => {
    const a = await chatUser();
    const b = await chatUser();
    const res = await postChat(a.cookie, { model: "compat-fake", message: userMessage("hello") });
    const sessionId = res.headers.get("x-chat-session-id")!;
    await readEvents(res);
    const d = await db();
    const answer = await settled(() => d.message.findFirst({ where: { sessionId, role: "assistant" } }));
    const params = { id: answer.id };

    expect((await call(flagRoute.POST, { cookie: b.cookie, params, body: { reason: "not mine" } })).status).toBe(404);
    expect((await call(flagRoute.DELETE, { cookie: b.cookie, params, method: "DELETE" })).status).toBe(404);
    expect((await call(flagRoute.POST, { cookie: a.cookie, params, body: { reason: "x".repeat(501) } })).status).toBe(
      400,
    );
    expect((await call(flagRoute.POST, { cookie: a.cookie, params: { id: "no-such-message" }, body: {} })).status).toBe(
      404,
    );

    const flagged = await call(flagRoute.POST, { cookie: a.cookie, params, body: { reason: "made things up" } });
    expect(flagged.status).toBe(200);
    expect(await d.message.findUniqueOrThrow({ where: { id: answer.id } })).toMatchObject({
      flagged: true,
      flagReason: "made things up",
    });

    await call(flagRoute.POST, { cookie: a.cookie, params, body: {} });
    expect(await d.message.findUniqueOrThrow({ where: { id: answer.id } })).toMatchObject({
      flagged: true,
      flagReason: null,
    });

    expect((await call(flagRoute.DELETE, { cookie: a.cookie, params, method: "DELETE" })).status).toBe(200);
    expect(await d.message.findUniqueOrThrow({ where: { id: answer.id } })).toMatchObject({
      flagged: false,
      flagReason: null,
      flaggedAt: null,
    });
  });
});

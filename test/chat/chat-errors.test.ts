import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { decodeChatError, humanChatError } from "@/lib/chat/chat-error";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { cookieFor, startApp } from "../helpers/app";
import { seedProviders } from "../helpers/gateway";
import { chatUser, db, postChat, readEvents, settled, userMessage } from "./helpers";

const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
});
beforeEach(() => up.reset());
afterAll(() => up.close());

async function failedTurn(cookie: string, model = "compat-fake") {
  const res = await postChat(cookie, { model, message: userMessage("hello") });
  const events = await readEvents(res);
  const error = events.find((e) => e.type === "error");
  if (!error?.errorText) throw new Error(`no error in the stream: ${JSON.stringify(events)}`);
  return {
    info: decodeChatError(error.errorText),
    raw: error.errorText,
    sessionId: res.headers.get("x-chat-session-id")!,
  };
}

describe("chat errors in words people understand", () => {
  it("an upstream failure reads as 'not answering' for a user, with no technical text anywhere in the stream", async () => {
    up.setBehavior({ failNext: { status: 500, count: 10 } });
    const { cookie } = await chatUser();
    const { info, raw } = await failedTurn(cookie);
    expect(info.status).toBe(502);
    expect(info.message).toBe("The model is not answering right now. Try again, or pick another model.");
    expect(info.detail).toBeUndefined();
    expect(info.requestId).toBeUndefined();
    expect(raw).not.toMatch(/Upstream|answered 500|attempts|vllm/);
  });

  it("an administrator gets the same words plus what failed and the request id of the admin thread view", async () => {
    up.setBehavior({ failNext: { status: 500, count: 10 } });
    const { user } = await chatUser();
    await (await db()).user.update({ where: { id: user.id }, data: { role: "ADMIN" } });
    const { info } = await failedTurn(await cookieFor(user.email));
    expect(info.message).toMatch(/not answering/);
    expect(info.detail).toMatch(/answered 500/);
    const request = await settled(async () => (await db()).request.findUnique({ where: { id: info.requestId ?? "" } }));
    expect(request).toMatchObject({ userId: user.id, status: "ERROR" });
  });

  it("a timeout reads as 'took too long'; a refusal for money keeps its own words, in dollars", async () => {
    expect(humanChatError(504, "upstream_timeout", "Upstream timed out after 30000 ms")).toBe(
      "The model took too long to answer. Try again, or pick another model.",
    );
    expect(humanChatError(400, "validation_error", "message.parts: too many images")).toBe(
      "message.parts: too many images",
    );
    const { cookie } = await chatUser({ balance: 0n });
    const { info } = await failedTurn(cookie);
    expect(info.status).toBe(402);
    expect(info.limit).toBe("balance");
    expect(info.message).toMatch(/Insufficient balance on your account: \$0\.00 available/);
  });
});

// Issue 8 item 3: user B reading, continuing, renaming, deleting, streaming (SSE), flagging or
// revoking user A's conversations, requests, messages or keys by id → 404 with none of A's data,
// with a session and with an API key; A's things stay as they were.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as flagRoute from "@/app/api/chat/messages/[id]/flag/route";
import * as eventsRoute from "@/app/api/chat/sessions/[id]/events/route";
import * as sessionRoute from "@/app/api/chat/sessions/[id]/route";
import * as keyRevoke from "@/app/api/user/keys/[id]/revoke/route";
import * as keyList from "@/app/api/user/keys/route";
import * as sessionDetail from "@/app/api/user/session/detail/[id]/route";
import * as sessionList from "@/app/api/user/session/list/route";
import * as threadDetail from "@/app/api/user/thread/detail/[id]/route";
import * as threadList from "@/app/api/user/thread/list/route";
import * as usage from "@/app/api/user/usage/route";
import { getDb } from "@/lib/db/client";
import { postChat, readEvents, settled, userMessage } from "../chat/helpers";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { call, cookieFor, startApp } from "../helpers/app";
import { seedProviders, userWithKey } from "../helpers/gateway";

const up = await startFakeUpstream();
const SECRET_TEXT = "echo: alice's private penguin plans";
let alice = { cookie: "", key: "", keyId: "", sessionId: "", requestId: "", messageId: "", email: "" };
let bob = { cookie: "", key: "" };

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
  const a = await userWithKey();
  const b = await userWithKey();
  const cookie = await cookieFor(a.user.email);
  const res = await postChat(cookie, { model: "compat-fake", message: userMessage(SECRET_TEXT) });
  const sessionId = res.headers.get("x-chat-session-id")!;
  await readEvents(res);
  const db = await getDb();
  // The first answer of a conversation is followed by a title request in the same session; the two
  // may well be settled in one batch, so wait for the turn and take its own request, the first.
  await settled(
    async () =>
      (await db.message.count({ where: { sessionId } })) === 2 &&
      (await db.request.count({ where: { sessionId, status: "OK" } })) >= 1,
  );
  const message = await db.message.findFirstOrThrow({ where: { sessionId, role: "user" } });
  const request = await db.request.findFirstOrThrow({ where: { sessionId }, orderBy: { createdAt: "asc" } });
  alice = {
    cookie,
    key: a.key,
    keyId: a.keyId,
    sessionId,
    requestId: request.id,
    messageId: message.id,
    email: a.user.email,
  };
  bob = { cookie: await cookieFor(b.user.email), key: b.key };
});
afterAll(() => up.close());

async function expectNotFound(what: string, res: Response) {
  const text = await res.text();
  expect(res.status, `${what}: ${text.slice(0, 200)}`).toBe(404);
  for (const leak of [SECRET_TEXT, "penguin", alice.email, alice.sessionId.slice(0, 0) || "x-never"])
    expect(text, what).not.toContain(leak);
}

describe("someone else's things by id", () => {
  it("are 404 to read, with a session and with an API key", async () => {
    for (const credentials of [{ cookie: bob.cookie }, { bearer: bob.key }]) {
      await expectNotFound(
        "session detail",
        await call(sessionDetail.GET, { ...credentials, params: { id: alice.sessionId } }),
      );
      await expectNotFound(
        "thread detail",
        await call(threadDetail.GET, { ...credentials, params: { id: alice.requestId } }),
      );
    }
  });

  it("are 404 to stream (SSE), rename, delete, flag or unflag", async () => {
    await expectNotFound(
      "events",
      await call(eventsRoute.GET, { cookie: bob.cookie, params: { id: alice.sessionId } }),
    );
    await expectNotFound(
      "rename",
      await call(sessionRoute.PATCH, {
        cookie: bob.cookie,
        method: "PATCH",
        params: { id: alice.sessionId },
        body: { title: "hijacked" },
      }),
    );
    await expectNotFound(
      "delete",
      await call(sessionRoute.DELETE, { cookie: bob.cookie, method: "DELETE", params: { id: alice.sessionId } }),
    );
    await expectNotFound(
      "flag",
      await call(flagRoute.POST, { cookie: bob.cookie, params: { id: alice.messageId }, body: { reason: "mine now" } }),
    );
    await expectNotFound(
      "unflag",
      await call(flagRoute.DELETE, { cookie: bob.cookie, method: "DELETE", params: { id: alice.messageId } }),
    );
  });

  it("cannot be continued, edited or regenerated in the chat", async () => {
    for (const body of [
      { sessionId: alice.sessionId, model: "compat-fake", message: userMessage("echo: continue hers") },
      { sessionId: alice.sessionId, model: "compat-fake", action: "regenerate" },
      {
        sessionId: alice.sessionId,
        model: "compat-fake",
        action: "edit",
        message: userMessage("echo: edited", alice.messageId),
      },
    ]) {
      await expectNotFound(`chat ${"action" in body ? body.action : "submit"}`, await postChat(bob.cookie, body));
    }
  });

  it("are 404 to revoke (keys)", async () => {
    await expectNotFound("revoke key", await call(keyRevoke.POST, { cookie: bob.cookie, params: { id: alice.keyId } }));
  });

  it("never show up in the other user's lists, usage or filters", async () => {
    const lists = [
      await call(sessionList.GET, { cookie: bob.cookie }),
      await call(threadList.GET, { cookie: bob.cookie, path: `/api/user/thread/list?session_id=${alice.sessionId}` }),
      await call(keyList.GET, { cookie: bob.cookie }),
      await call(usage.GET, { cookie: bob.cookie }),
    ];
    for (const res of lists) {
      const text = await res.text();
      expect(res.status).toBe(200);
      for (const leak of [alice.sessionId, alice.requestId, alice.keyId, "penguin"]) expect(text).not.toContain(leak);
    }
  });

  it("stay as they were", async () => {
    const db = await getDb();
    const session = await db.chatSession.findUniqueOrThrow({ where: { id: alice.sessionId } });
    expect(session.title).not.toBe("hijacked");
    expect(await db.message.count({ where: { sessionId: alice.sessionId } })).toBe(2);
    expect((await db.message.findUniqueOrThrow({ where: { id: alice.messageId } })).flagged).toBe(false);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: alice.keyId } })).revokedAt).toBeNull();
    expect((await call(sessionDetail.GET, { cookie: alice.cookie, params: { id: alice.sessionId } })).status).toBe(200);
  });
});

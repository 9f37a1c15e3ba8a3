import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as exportRoute from "@/app/api/chat/sessions/[id]/export/route";
import * as shareRoute from "@/app/api/chat/sessions/[id]/share/route";
import { findSharedConversation } from "@/lib/chat/share";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { call, json, startApp } from "../helpers/app";
import { seedProviders } from "../helpers/gateway";
import { chatUser, db, postChat, readEvents, settled, userMessage } from "./helpers";

const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
});
afterAll(() => up.close());

async function conversation(cookie: string, text: string) {
  const res = await postChat(cookie, { model: "compat-fake", message: userMessage(text) });
  const id = res.headers.get("x-chat-session-id")!;
  await readEvents(res);
  const d = await db();
  await settled(async () => (await d.message.count({ where: { sessionId: id } })) === 2);
  return id;
}

describe("GET /api/chat/sessions/{id}/export", () => {
  it("downloads your conversation as Markdown and as JSON, line breaks kept; someone else's is 404", async () => {
    const a = await chatUser();
    const b = await chatUser();
    const id = await conversation(a.cookie, "echo: first line\nsecond line");

    const md = await call(exportRoute.GET, { cookie: a.cookie, params: { id }, path: `/x?format=markdown` });
    expect(md.status).toBe(200);
    expect(md.headers.get("content-type")).toMatch(/^text\/markdown/);
    expect(md.headers.get("content-disposition")).toMatch(/^attachment; filename=".+\.md"/);
    const text = await md.text();
    expect(text).toContain("## You\n\necho: first line\nsecond line");
    expect(text).toMatch(/## Assistant \(compat-fake\)/);

    const js = await call(exportRoute.GET, { cookie: a.cookie, params: { id }, path: `/x?format=json` });
    const body = await json<{ id: string; messages: Array<{ role: string; text: string }> }>(js);
    expect(body.id).toBe(id);
    expect(body.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(body.messages[0].text).toBe("echo: first line\nsecond line");

    expect((await call(exportRoute.GET, { cookie: b.cookie, params: { id }, path: `/x?format=json` })).status).toBe(
      404,
    );
    const bad = await call(exportRoute.GET, { cookie: a.cookie, params: { id }, path: `/x?format=pdf` });
    expect(bad.status).toBe(400);
    expect((await json<{ error: { message: string } }>(bad)).error.message).toMatch(/format: must be markdown or json/);
  });
});

describe("/api/chat/sessions/{id}/share", () => {
  it("makes a read-only link shown once, replaces it on a new share, and revoking ends it; only the owner can", async () => {
    const a = await chatUser();
    const b = await chatUser();
    const id = await conversation(a.cookie, "echo: shared words");

    expect(await json(await call(shareRoute.GET, { cookie: a.cookie, params: { id } }))).toMatchObject({
      shared: false,
    });
    expect((await call(shareRoute.POST, { cookie: b.cookie, params: { id }, method: "POST" })).status).toBe(404);

    const first = await call(shareRoute.POST, { cookie: a.cookie, params: { id }, method: "POST" });
    expect(first.status).toBe(201);
    const { token, path } = await json<{ token: string; path: string }>(first);
    expect(path).toBe(`/share/${token}`);
    const shared = await findSharedConversation(token);
    expect(shared?.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    // Only a hash is stored: the token itself is nowhere in the database row.
    const row = await (await db()).chatSession.findUniqueOrThrow({ where: { id } });
    expect(JSON.stringify(row, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(token);
    expect(await json(await call(shareRoute.GET, { cookie: a.cookie, params: { id } }))).toMatchObject({
      shared: true,
    });

    const second = await json<{ token: string }>(
      await call(shareRoute.POST, { cookie: a.cookie, params: { id }, method: "POST" }),
    );
    expect(await findSharedConversation(token)).toBeNull();
    expect(await findSharedConversation(second.token)).not.toBeNull();

    expect((await call(shareRoute.DELETE, { cookie: b.cookie, params: { id }, method: "DELETE" })).status).toBe(404);
    expect(await findSharedConversation(second.token)).not.toBeNull();
    expect((await call(shareRoute.DELETE, { cookie: a.cookie, params: { id }, method: "DELETE" })).status).toBe(204);
    expect(await findSharedConversation(second.token)).toBeNull();
    expect(await findSharedConversation("not a token")).toBeNull();
  });
});

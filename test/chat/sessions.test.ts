import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as eventsRoute from "@/app/api/chat/sessions/[id]/events/route";
import * as sessionRoute from "@/app/api/chat/sessions/[id]/route";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { call, startApp } from "../helpers/app";
import { seedProviders } from "../helpers/gateway";
import { chatUser, db, parseEvents, postChat, readEvents, settled, userMessage } from "./helpers";

const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
});
afterAll(() => up.close());

async function conversation(cookie: string, text = "echo: hello") {
  const res = await postChat(cookie, { model: "compat-fake", message: userMessage(text) });
  const id = res.headers.get("x-chat-session-id")!;
  await readEvents(res);
  const d = await db();
  await settled(async () => (await d.message.count({ where: { sessionId: id } })) === 2);
  return id;
}

/** Reads SSE events until `until` matches one, then disconnects. */
async function eventsUntil(
  cookie: string,
  id: string,
  until: (e: Record<string, unknown>) => boolean,
  during?: () => Promise<void>,
) {
  const controller = new AbortController();
  const res = await call(eventsRoute.GET, { cookie, params: { id }, signal: controller.signal });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let acted = false;
  try {
    for (;;) {
      const events = parseEvents(text) as unknown as Array<Record<string, unknown>>;
      const hit = events.find(until);
      if (hit) return { events, hit };
      if (events.length && !acted && during) {
        acted = true;
        await during();
      }
      const { value, done } = await reader.read();
      if (done) throw new Error("the event stream ended");
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    controller.abort();
    await reader.cancel().catch(() => {});
  }
}

describe("PATCH/DELETE /api/chat/sessions/{id}", () => {
  it("renames and deletes your own conversation; someone else's is 404 and stays as it was", async () => {
    const a = await chatUser();
    const b = await chatUser();
    const id = await conversation(a.cookie);

    expect(
      (
        await call(sessionRoute.PATCH, {
          cookie: b.cookie,
          params: { id },
          method: "PATCH",
          body: { title: "hijacked" },
        })
      ).status,
    ).toBe(404);
    expect((await call(sessionRoute.DELETE, { cookie: b.cookie, params: { id }, method: "DELETE" })).status).toBe(404);

    for (const body of [{}, { title: "" }, { title: "x".repeat(81) }]) {
      expect((await call(sessionRoute.PATCH, { cookie: a.cookie, params: { id }, method: "PATCH", body })).status).toBe(
        400,
      );
    }
    const renamed = await call(sessionRoute.PATCH, {
      cookie: a.cookie,
      params: { id },
      method: "PATCH",
      body: { title: "  My trip  " },
    });
    expect(renamed.status).toBe(200);
    expect(((await renamed.json()) as { session: { title: string } }).session.title).toBe("My trip");

    expect((await call(sessionRoute.DELETE, { cookie: a.cookie, params: { id }, method: "DELETE" })).status).toBe(204);
    const d = await db();
    expect(await d.chatSession.findUnique({ where: { id } })).toBeNull();
    expect(await d.message.count({ where: { sessionId: id } })).toBe(0);
    expect((await call(sessionRoute.DELETE, { cookie: a.cookie, params: { id }, method: "DELETE" })).status).toBe(404);
  });
});

describe("GET /api/chat/sessions/{id}/events", () => {
  it("sends the state on connect and again when another tab adds a message or renames it", async () => {
    const a = await chatUser();
    const id = await conversation(a.cookie);
    const d = await db();
    const first = await d.message.findFirstOrThrow({ where: { sessionId: id, role: "assistant" } });

    const { events } = await eventsUntil(
      a.cookie,
      id,
      (e) => e.messageCount === 4,
      async () => {
        await readEvents(
          await postChat(a.cookie, { sessionId: id, model: "compat-fake", message: userMessage("echo: again") }),
        );
      },
    );
    expect(events[0]).toMatchObject({ id, deleted: false, lastMessageId: first.id, messageCount: 2 });

    const renamed = await eventsUntil(
      a.cookie,
      id,
      (e) => e.title === "Renamed elsewhere",
      async () => {
        await call(sessionRoute.PATCH, {
          cookie: a.cookie,
          params: { id },
          method: "PATCH",
          body: { title: "Renamed elsewhere" },
        });
      },
    );
    expect(renamed.hit).toMatchObject({ id, deleted: false });
  });

  it("is 404 for someone else's conversation", async () => {
    const a = await chatUser();
    const b = await chatUser();
    const id = await conversation(a.cookie);
    expect((await call(eventsRoute.GET, { cookie: b.cookie, params: { id } })).status).toBe(404);
    expect((await call(eventsRoute.GET, { params: { id } })).status).toBe(401);
  });
});

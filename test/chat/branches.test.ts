import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as branchRoute from "@/app/api/chat/sessions/[id]/branch/route";
import * as exportRoute from "@/app/api/chat/sessions/[id]/export/route";
import * as detailRoute from "@/app/api/user/session/detail/[id]/route";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { call, json, startApp } from "../helpers/app";
import { seedProviders } from "../helpers/gateway";
import { chatUser, db, postChat, readEvents, settled, userMessage } from "./helpers";

const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
});
beforeEach(() => up.reset());
afterAll(() => up.close());

type Shown = { id: string; role: string; text: string; branch: { index: number; count: number; siblingIds: string[] } };

async function shown(cookie: string, id: string): Promise<Shown[]> {
  return (await json<{ messages: Shown[] }>(await call(detailRoute.GET, { cookie, params: { id } }))).messages;
}

async function turn(cookie: string, body: Record<string, unknown>) {
  const res = await postChat(cookie, { model: "compat-fake", ...body });
  expect(res.status).toBe(200);
  await readEvents(res);
  return res.headers.get("x-chat-session-id")!;
}

/** Waits until the shown path ends with an answer (the answer is saved after the stream). */
async function answered(cookie: string, id: string, length: number) {
  return settled(async () => {
    const path = await shown(cookie, id);
    return path.length === length && path.at(-1)!.role === "assistant" ? path : null;
  });
}

describe("branches: every message editable, every answer regenerable, nothing lost", () => {
  it("regenerating any answer and editing any question add siblings; the user steps between them", async () => {
    const { cookie } = await chatUser();
    const first = userMessage("echo: one");
    const id = await turn(cookie, { message: first });
    let path = await answered(cookie, id, 2);
    const a1 = path[1];
    await turn(cookie, { sessionId: id, message: userMessage("echo: two") });
    path = await answered(cookie, id, 4);

    // Regenerate the first answer (not the last one): a sibling answer, and the path ends there.
    await turn(cookie, { sessionId: id, action: "regenerate", messageId: a1.id });
    path = await settled(async () => {
      const p = await shown(cookie, id);
      return p.length === 2 && p[1].id !== a1.id ? p : null;
    });
    expect(path[1].branch).toMatchObject({ index: 2, count: 2 });
    expect(path[1].branch.siblingIds[0]).toBe(a1.id);

    // Step back to the first answer: its follow-up is there again.
    expect(
      (await call(branchRoute.PATCH, { cookie, params: { id }, method: "PATCH", body: { messageId: a1.id } })).status,
    ).toBe(200);
    path = await shown(cookie, id);
    expect(path.map((m) => m.text)).toEqual(["echo: one", "one", "echo: two", "two"]);
    expect(path[1].branch).toMatchObject({ index: 1, count: 2 });

    // Edit the first question: the model sees only the edited question, the old branch stays.
    await turn(cookie, {
      sessionId: id,
      action: "edit",
      message: { ...first, parts: [{ type: "text", text: "echo: uno" }] },
    });
    expect(up.requests.at(-1)!.body.messages.map((m: { content: unknown }) => JSON.stringify(m.content))).toEqual([
      JSON.stringify("echo: uno"),
    ]);
    path = await answered(cookie, id, 2);
    expect(path.map((m) => m.text)).toEqual(["echo: uno", "uno"]);
    expect(path[0].branch).toMatchObject({ index: 2, count: 2 });
    expect(await (await db()).message.count({ where: { sessionId: id } })).toBe(7);

    // Export follows the branch shown.
    const md = await (await call(exportRoute.GET, { cookie, params: { id }, path: "/x?format=markdown" })).text();
    expect(md).toContain("echo: uno");
    expect(md).not.toContain("echo: two");
  });

  it("a question whose answer failed is answered again by id; unknown or foreign ids are 404", async () => {
    const a = await chatUser();
    const b = await chatUser();
    up.setBehavior({ failNext: { status: 500, count: 10 } });
    const question = userMessage("echo: please");
    const id = await turn(a.cookie, { message: question });
    let path = await shown(a.cookie, id);
    expect(path.map((m) => m.role)).toEqual(["user"]);
    up.setBehavior({});
    await turn(a.cookie, { sessionId: id, action: "regenerate", messageId: path[0].id });
    path = await answered(a.cookie, id, 2);
    expect(path[1].text).toBe("please");

    expect(
      (await postChat(a.cookie, { sessionId: id, model: "compat-fake", action: "regenerate", messageId: "nope" }))
        .status,
    ).toBe(404);
    expect(
      (
        await postChat(a.cookie, {
          sessionId: id,
          model: "compat-fake",
          action: "edit",
          message: userMessage("x", "unknown-id"),
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await call(branchRoute.PATCH, {
          cookie: b.cookie,
          params: { id },
          method: "PATCH",
          body: { messageId: path[0].id },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await call(branchRoute.PATCH, {
          cookie: a.cookie,
          params: { id },
          method: "PATCH",
          body: { messageId: "nope" },
        })
      ).status,
    ).toBe(404);
    expect(
      (await call(branchRoute.PATCH, { cookie: a.cookie, params: { id }, method: "PATCH", body: {} })).status,
    ).toBe(400);
  });
});

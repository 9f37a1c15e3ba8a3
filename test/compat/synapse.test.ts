// Issue 23: SynapseChat's documented API (seed 004) at /compat/synapse, each endpoint called with
// the document's own sample, HTTP Basic with usernames on everything but /ping. Titles name the
// endpoint for docs/migrating.md's row check (test/compat/migrating-doc.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as cfg from "@/app/compat/synapse/admin/api/config/route";
import * as logs from "@/app/compat/synapse/admin/api/logs/route";
import * as install from "@/app/compat/synapse/admin/api/models/[name]/install/route";
import * as oneModel from "@/app/compat/synapse/admin/api/models/[name]/route";
import * as variants from "@/app/compat/synapse/admin/api/models/[name]/variants/route";
import * as available from "@/app/compat/synapse/admin/api/models/available/route";
import * as models from "@/app/compat/synapse/admin/api/models/route";
import * as restart from "@/app/compat/synapse/admin/api/restart/route";
import * as adminSession from "@/app/compat/synapse/admin/api/sessions/[id]/route";
import * as adminSessions from "@/app/compat/synapse/admin/api/sessions/route";
import * as status from "@/app/compat/synapse/admin/api/status/route";
import * as usage from "@/app/compat/synapse/admin/api/usage/route";
import * as oneUser from "@/app/compat/synapse/admin/api/users/[username]/route";
import * as users from "@/app/compat/synapse/admin/api/users/route";
import * as ws from "@/app/compat/synapse/admin/ws/route";
import * as chat from "@/app/compat/synapse/chat/[session_id]/route";
import * as history from "@/app/compat/synapse/history/[session_id]/route";
import * as sessions from "@/app/compat/synapse/history/sessions/route";
import * as limits from "@/app/compat/synapse/limits/route";
import * as ping from "@/app/compat/synapse/ping/route";
import { flushRecords } from "@/lib/billing/recorder";
import { config } from "@/lib/config";
import { createUser } from "@/lib/users/accounts";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { call, json, startApp } from "../helpers/app";
import { seedProviders } from "../helpers/gateway";

const up = await startFakeUpstream();
afterAll(() => up.close());

const basic = (user: string, password: string) => ({
  headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` },
});
const admin = basic("admin", "admin-pass-123");
const u = basic("u", "u-password-1");
let sessionRowId = "";

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
  await createUser({ email: "admin@synapse.local", password: "admin-pass-123", role: "ADMIN" });
});

describe("SynapseChat public API", () => {
  it("GET /compat/synapse/ping: pong without credentials, and names the user with them", async () => {
    expect(await json(await call(ping.GET))).toEqual({ message: "pong", user: null });
    expect(await json(await call(ping.GET, admin))).toEqual({ message: "pong", user: "admin" });
    const wrong = await call(ping.GET, basic("admin", "wrong-password"));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toContain('Basic realm="SynapseChat"');
    expect(await json(wrong)).toMatchObject({ detail: expect.any(String) });
  });

  it("POST /compat/synapse/admin/api/users: the sample's password is below Tollgate's policy (400 naming it); a longer one creates the user", async () => {
    const sample = await call(users.POST, { ...admin, body: { username: "u", password: "p", daily_limit: 1000 } });
    expect(sample.status).toBe(400);
    expect(await json(sample)).toMatchObject({ detail: expect.stringContaining("at least 8"), field: "password" });
    const res = await call(users.POST, {
      ...admin,
      body: { username: "u", password: "u-password-1", daily_limit: 1000 },
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ username: "u", is_admin: false, daily_limit: 1000 });
    // "create or update": the same username again changes the limit
    expect(await json(await call(users.POST, { ...admin, body: { username: "u", daily_limit: 100 } }))).toMatchObject({
      username: "u",
      daily_limit: 100,
    });
    // an ordinary user cannot call the admin API
    expect((await call(users.POST, { ...u, body: { username: "x", password: "x-password-1" } })).status).toBe(403);
  });

  it("POST /compat/synapse/chat/{session_id}: the sample creates the session and answers {response}; the next turn carries the history", async () => {
    const res = await call(chat.POST, {
      ...u,
      params: { session_id: "abcd" },
      body: { model: "ollama-fake", prompt: "Привет!" },
    });
    expect(res.status).toBe(200);
    const body = await json<{ response: string }>(res);
    expect(Object.keys(body)).toEqual(["response"]);
    expect(body.response.length).toBeGreaterThan(0);
    up.requests.length = 0;
    expect(
      (await call(chat.POST, { ...u, params: { session_id: "abcd" }, body: { model: "ollama-fake", prompt: "И ещё" } }))
        .status,
    ).toBe(200);
    const sent = up.requests.find((r) => r.path === "/api/chat");
    expect(sent?.body.messages.map((m: { role: string }) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(sent?.body.messages[0].content).toBe("Привет!");
    // no credentials: 401; an unknown model: 404 in FastAPI's shape; a missing prompt: 400
    expect(
      (await call(chat.POST, { params: { session_id: "abcd" }, body: { model: "ollama-fake", prompt: "x" } })).status,
    ).toBe(401);
    const unknown = await call(chat.POST, {
      ...u,
      params: { session_id: "abcd" },
      body: { model: "llama2", prompt: "x" },
    });
    expect(unknown.status).toBe(404);
    expect(await json(unknown)).toMatchObject({ detail: expect.stringContaining("llama2") });
    expect(
      (await call(chat.POST, { ...u, params: { session_id: "abcd" }, body: { model: "ollama-fake" } })).status,
    ).toBe(400);
    await flushRecords();
  });

  it("GET /compat/synapse/history/sessions: [{session_id, created_at}]", async () => {
    const list = await json<Array<{ session_id: string; created_at: string }>>(await call(sessions.GET, u));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ session_id: "abcd", created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    // another user's sessions are not listed
    expect(await json(await call(sessions.GET, admin))).toEqual([]);
  });

  it("GET /compat/synapse/history/{session_id}: [{role, model, content, timestamp}]", async () => {
    const messages = await json<Array<Record<string, string>>>(
      await call(history.GET, { ...u, params: { session_id: "abcd" } }),
    );
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(messages[0]).toEqual({
      role: "user",
      model: "ollama-fake",
      content: "Привет!",
      timestamp: expect.stringMatching(/Z$/),
    });
    expect((await call(history.GET, { ...admin, params: { session_id: "abcd" } })).status).toBe(404);
  });

  it("GET /compat/synapse/limits: {daily_limit, used, remaining}", async () => {
    expect(await json(await call(limits.GET, u))).toEqual({ daily_limit: 100, used: 2, remaining: 98 });
  });
});

describe("SynapseChat admin API", () => {
  it("GET /compat/synapse/admin/api/users: every user", async () => {
    const list = await json<Array<{ username: string; is_admin: boolean }>>(await call(users.GET, admin));
    expect(list).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ username: "u", is_admin: false }),
        expect.objectContaining({ username: "admin", is_admin: true }),
      ]),
    );
    expect((await call(users.GET)).status).toBe(401);
  });

  it("GET /compat/synapse/admin/api/users/{username}: one user in detail", async () => {
    expect(await json(await call(oneUser.GET, { ...admin, params: { username: "u" } }))).toMatchObject({
      username: "u",
      daily_limit: 100,
      sessions: 1,
      requests: 2,
    });
    expect((await call(oneUser.GET, { ...admin, params: { username: "nobody" } })).status).toBe(404);
  });

  it("GET /compat/synapse/admin/api/config: {port, daily_limit}", async () => {
    expect(await json(await call(cfg.GET, admin))).toEqual({ port: String(config().PORT), daily_limit: null });
  });

  it("POST /compat/synapse/admin/api/config: the global daily limit changes; another port is refused, naming PORT", async () => {
    const port = String(config().PORT);
    const sample = await call(cfg.POST, {
      ...admin,
      body: { port: port === "8000" ? "8001" : "8000", daily_limit: "1000" },
    });
    expect(sample.status).toBe(409);
    expect(await json(sample)).toMatchObject({ detail: expect.stringContaining("PORT"), field: "port" });
    expect(await json(await call(cfg.GET, admin))).toMatchObject({ daily_limit: null }); // nothing written
    const res = await call(cfg.POST, { ...admin, body: { port, daily_limit: "1000" } });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ port, daily_limit: "1000" });
  });

  it("GET /compat/synapse/admin/api/models/available: models that can be installed", async () => {
    const body = await json<{ items: Array<{ name: string }> }>(await call(available.GET, admin));
    expect(body.items.map((m) => m.name)).toContain("llama3.2");
  });

  it("GET /compat/synapse/admin/api/models/{name}/variants: a model's variants", async () => {
    const body = await json<{ name: string; variants: Array<{ tag: string }> }>(
      await call(variants.GET, { ...admin, params: { name: "llama3.2" } }),
    );
    expect(body.variants.map((v) => v.tag)).toContain("1b");
    expect((await call(variants.GET, { ...admin, params: { name: "no-such-model" } })).status).toBe(404);
  });

  it("POST /compat/synapse/admin/api/models/{name}/install: installs, with progress lines", async () => {
    const res = await call(install.POST, { ...admin, params: { name: "llama3.2:1b" } });
    expect(res.status).toBe(200);
    const lines = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { status: string });
    expect(lines.at(-1)?.status).toBe("success");
    expect(up.ollamaModels()).toContain("llama3.2:1b");
  });

  it("GET /compat/synapse/admin/api/models: installed models", async () => {
    const body = await json<{ items: Array<{ name: string }> }>(await call(models.GET, admin));
    expect(body.items.map((m) => m.name)).toContain("llama3.2:1b");
  });

  it("DELETE /compat/synapse/admin/api/models/{name}: removes one", async () => {
    expect((await call(oneModel.DELETE, { ...admin, method: "DELETE", params: { name: "llama3.2:1b" } })).status).toBe(
      200,
    );
    expect(up.ollamaModels()).not.toContain("llama3.2:1b");
  });

  it("GET /compat/synapse/admin/api/sessions: every session with its message count", async () => {
    const list = await json<
      Array<{ id: string; session_id: string; username: string; messages: number; title: string }>
    >(await call(adminSessions.GET, admin));
    expect(list).toEqual([
      expect.objectContaining({ session_id: "abcd", username: "u", messages: 4, title: "Привет!" }),
    ]);
    sessionRowId = list[0].id;
  });

  it("GET /compat/synapse/admin/api/sessions/{id}: one session's messages", async () => {
    const body = await json<{ title: string; messages: Array<{ content: string }> }>(
      await call(adminSession.GET, { ...admin, params: { id: sessionRowId } }),
    );
    expect(body.title).toBe("Привет!");
    expect(body.messages).toHaveLength(4);
  });

  it("POST /compat/synapse/admin/api/restart: 501 saying how Tollgate restarts", async () => {
    const res = await call(restart.POST, { ...admin, method: "POST" });
    expect(res.status).toBe(501);
    expect(await json(res)).toMatchObject({ detail: expect.stringContaining("supervisor") });
  });

  it("GET /compat/synapse/admin/api/status: port, state and sessions", async () => {
    expect(await json(await call(status.GET, admin))).toMatchObject({
      port: String(config().PORT),
      status: "running",
      sessions: 1,
    });
  });

  it("GET /compat/synapse/admin/api/logs: the last lines", async () => {
    const res = await call(logs.GET, { ...admin, path: "/logs?lines=5" });
    expect(res.status).toBe(200);
    const body = await json<{ lines: string[] }>(res);
    expect(Array.isArray(body.lines) && body.lines.length <= 5).toBe(true);
    expect((await call(logs.GET, { ...admin, path: "/logs?lines=-1" })).status).toBe(400);
  });

  it("GET /compat/synapse/admin/api/usage: requests per user", async () => {
    expect(await json(await call(usage.GET, admin))).toEqual({ u: 2 });
  });

  it("GET /compat/synapse/admin/ws: the metrics message with the document's fields (header or query credentials)", async () => {
    const abort = new AbortController();
    const res = await call(ws.GET, { path: "/admin/ws?username=admin&password=admin-pass-123", signal: abort.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    abort.abort();
    await reader.cancel();
    const message = JSON.parse(
      new TextDecoder()
        .decode(value)
        .replace(/^data: /, "")
        .trim(),
    );
    expect(Object.keys(message).sort()).toEqual([
      "cpu",
      "day_total",
      "disk",
      "memory",
      "models",
      "network",
      "port",
      "total",
      "type",
      "users",
    ]);
    expect(message).toMatchObject({
      type: "metrics",
      total: 2,
      users: expect.arrayContaining(["admin", "u"]),
      port: String(config().PORT),
    });
    expect((await call(ws.GET, u)).status).toBe(403);
    expect((await call(ws.GET, { path: "/admin/ws?username=admin&password=nope" })).status).toBe(401);
  });

  it("DELETE /compat/synapse/admin/api/sessions/{id}: deletes a session with its messages", async () => {
    expect((await call(adminSession.DELETE, { ...admin, method: "DELETE", params: { id: sessionRowId } })).status).toBe(
      200,
    );
    expect((await call(adminSession.GET, { ...admin, params: { id: sessionRowId } })).status).toBe(404);
  });

  it("DELETE /compat/synapse/history/{session_id}: deletes the caller's own session", async () => {
    expect(
      (await call(chat.POST, { ...u, params: { session_id: "s2" }, body: { model: "ollama-fake", prompt: "hello" } }))
        .status,
    ).toBe(200);
    expect((await call(history.DELETE, { ...admin, method: "DELETE", params: { session_id: "s2" } })).status).toBe(404);
    expect((await call(history.DELETE, { ...u, method: "DELETE", params: { session_id: "s2" } })).status).toBe(200);
    expect((await call(history.GET, { ...u, params: { session_id: "s2" } })).status).toBe(404);
  });

  it("DELETE /compat/synapse/admin/api/users/{username}: deletes an ordinary user; an administrator is refused", async () => {
    expect((await call(oneUser.DELETE, { ...admin, method: "DELETE", params: { username: "admin" } })).status).toBe(
      403,
    );
    expect((await call(oneUser.DELETE, { ...admin, method: "DELETE", params: { username: "u" } })).status).toBe(200);
    expect((await call(oneUser.GET, { ...admin, params: { username: "u" } })).status).toBe(404);
  });
});

// The OpenAPI document describes what the admin, user, chat and account routes really answer: none of
// their JSON routes is left with a bare `{ type: "object" }`, and real answers parse with the very
// schema the document is built from, with nothing left over.

import { beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import * as keyList from "@/app/api/admin/api-key/list/route";
import * as audit from "@/app/api/admin/audit/route";
import * as config from "@/app/api/admin/config/route";
import * as flags from "@/app/api/admin/flags/route";
import * as groupList from "@/app/api/admin/group/list/route";
import * as modelList from "@/app/api/admin/model/list/route";
import * as providerList from "@/app/api/admin/provider/list/route";
import * as sessionDetail from "@/app/api/admin/session/detail/[id]/route";
import * as sessionList from "@/app/api/admin/session/list/route";
import * as status from "@/app/api/admin/status/route";
import * as threadDetail from "@/app/api/admin/thread/detail/[id]/route";
import * as threadList from "@/app/api/admin/thread/list/route";
import * as usage from "@/app/api/admin/usage/route";
import * as userDetail from "@/app/api/admin/user/detail/[id]/route";
import * as userList from "@/app/api/admin/user/list/route";
import * as me from "@/app/api/auth/me/route";
import * as chatModels from "@/app/api/chat/models/route";
import * as share from "@/app/api/chat/sessions/[id]/share/route";
import * as userKeys from "@/app/api/user/keys/route";
import * as userLimits from "@/app/api/user/limits/route";
import * as userSessionDetail from "@/app/api/user/session/detail/[id]/route";
import * as userSessions from "@/app/api/user/session/list/route";
import * as userThreadDetail from "@/app/api/user/thread/detail/[id]/route";
import * as userThreads from "@/app/api/user/thread/list/route";
import * as userUsage from "@/app/api/user/usage/route";
import * as v1Model from "@/app/api/v1/models/[id]/route";
import * as v1Models from "@/app/api/v1/models/route";
import { writeAudit } from "@/lib/audit";
import { getDb } from "@/lib/db/client";
import { openApiDocument } from "@/lib/openapi/document";
import { buildOpenApiDocument, type OpenApiDocument, type RouteDoc } from "@/lib/openapi/registry";
import { apiRoutes } from "@/lib/openapi/routes";
import { createModel, createProvider } from "@/lib/providers/admin";
import { anthropicErrorSchema, errorSchema, openAiErrorSchema } from "@/lib/validations/errors";
import { regularUser } from "../helpers/admin";
import { ADMIN_TOKEN, call, startApp } from "../helpers/app";

type Operation = { responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }> };

/** `METHOD path` of every operation under `prefix` whose JSON success answer is described only as "an object". */
function bareJsonAnswers(doc: OpenApiDocument, prefix: string): string[] {
  const bare: string[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith(prefix)) continue;
    for (const [method, op] of Object.entries(item) as Array<[string, Operation]>) {
      for (const [code, answer] of Object.entries(op.responses)) {
        const schema = answer.content?.["application/json"]?.schema;
        if (!code.startsWith("2") || !schema) continue;
        const described = ["properties", "anyOf", "oneOf", "allOf", "$ref", "items"].some((k) => k in schema);
        if (!described) bare.push(`${method.toUpperCase()} ${path}`);
      }
    }
  }
  return bare;
}

describe("the routes' answers in the OpenAPI document", () => {
  it("describes every admin, user, chat, account and model-list JSON answer field by field", () => {
    const described = ["/api/admin/", "/api/user/", "/api/chat", "/api/auth/", "/api/int/", "/api/v1/models"];
    const bare = described.flatMap((p) => bareJsonAnswers(openApiDocument(), p));
    expect(bare, "give these a response schema in lib/openapi/routes.ts").toEqual([]);
  });

  it("finds a route without a response schema (the check can fail)", () => {
    const described = apiRoutes.filter((r) => r.path.startsWith("/api/admin/"));
    const bare: RouteDoc = { method: "GET", path: "/api/admin/nothing-said", auth: "admin", summary: "x" };
    const doc = buildOpenApiDocument([...described, bare], {
      version: "0",
      errorSchema,
      openAiErrorSchema,
      anthropicErrorSchema,
    });
    expect(bareJsonAnswers(doc, "/api/admin/")).toEqual(["GET /api/admin/nothing-said"]);
  });

  it("describes money as decimal text and timestamps as date-times", () => {
    const list = openApiDocument().paths["/api/admin/api-key/list"]!.get as Operation;
    const schema = list.responses["200"].content!["application/json"].schema as {
      properties: { items: { items: { properties: Record<string, { anyOf?: unknown[]; format?: string }> } } };
    };
    const key = schema.properties.items.items.properties;
    expect(key.createdAt.format).toBe("date-time");
    expect(key.limit.anyOf).toHaveLength(2); // the wallet, or null
  });
});

// --- real answers --------------------------------------------------------------------------------

type RouteHandler<P> = (req: Request, ctx: { params: Promise<P> }) => Promise<Response>;

/** The registered success schema of `METHOD path`. */
function responseSchemaOf(method: string, path: string): z.ZodType {
  const route = apiRoutes.find((r) => r.method === method && r.path === path);
  if (!route?.response) throw new Error(`${method} ${path} has no response schema`);
  return route.response;
}

/** GETs `path` (as the admin unless a cookie or key is given) and parses the answer with its registered schema; nothing may be dropped. */
async function answerOf<P>(
  handler: RouteHandler<P>,
  path: string,
  opts: { query?: string; params?: P; cookie?: string; bearer?: string } = {},
): Promise<Record<string, unknown>> {
  const res = await call(handler, {
    ...(opts.cookie ? { cookie: opts.cookie } : { bearer: opts.bearer ?? ADMIN_TOKEN }),
    path:
      path.replace(/\{(\w+)\}/g, (_, k: string) => String((opts.params as Record<string, string>)[k])) +
      (opts.query ?? ""),
    params: opts.params,
  });
  const body = (await res.json()) as Record<string, unknown>;
  expect(res.status, JSON.stringify(body)).toBe(200);
  const parsed = responseSchemaOf("GET", path).safeParse(body);
  expect(parsed.error?.issues ?? [], path).toEqual([]);
  // z.object drops unknown keys: equal means the schema names every field the route sent.
  expect(parsed.data, `${path}: a field the schema does not describe`).toEqual(body);
  return body;
}

const items = (body: Record<string, unknown>) => body.items as Array<Record<string, unknown>>;

let user: Awaited<ReturnType<typeof regularUser>>;
let sessionId = "";
let requestId = "";

beforeAll(async () => {
  await startApp();
  user = await regularUser("answers");
  const provider = await createProvider({
    name: "answers-openai",
    kind: "OPENAI",
    baseUrl: "http://127.0.0.1:9/v1",
    apiKey: "sk-x",
  });
  await createModel({ publicId: "answers-model", providerId: provider.id, upstreamId: "m" });
  const db = await getDb();
  await db.group.create({ data: { name: "answers-group" } });
  await writeAudit({
    actor: { userId: user.user.id, email: user.email },
    action: "answers.check",
    targetType: "user",
    targetId: user.user.id,
    before: { limits: [1, "two", null] },
  });
  await db.usageDaily.create({
    data: {
      day: new Date("2026-01-30T00:00:00Z"),
      userId: user.user.id,
      apiKeyId: user.keyId,
      model: "answers-model",
      requests: 3,
      promptTokens: 100n,
      completionTokens: 50n,
      cost: 1_500_000n,
    },
  });
  const session = await db.chatSession.create({
    data: { userId: user.user.id, source: "CHAT", title: "Answers", model: "answers-model" },
  });
  sessionId = session.id;
  await db.message.create({
    data: {
      sessionId,
      role: "user",
      parts: [{ type: "text", text: "hello" }],
      text: "hello",
      flagged: true,
      flagReason: "test",
      flaggedAt: new Date(),
    },
  });
  requestId = `req-answers-${Date.now()}`;
  await db.request.create({
    data: {
      id: requestId,
      userId: user.user.id,
      apiKeyId: user.keyId,
      sessionId,
      model: "answers-model",
      status: "OK",
      cost: 1_234_567n,
      prompt: [{ role: "user", content: "hello" }],
      reply: "hi",
      settledAt: new Date(),
    },
  });
});

describe("real admin answers parse with their response schema", () => {
  it("GET /api/admin/user/list and user/detail", async () => {
    const list = await answerOf(userList.GET, "/api/admin/user/list", { query: `?q=${user.email}` });
    expect(items(list)).toHaveLength(1);
    expect(items(list)[0].limit).not.toBeNull(); // the wallet is described too, not only its null
    const detail = await answerOf(userDetail.GET, "/api/admin/user/detail/{id}", { params: { id: user.user.id } });
    expect((detail.keys as unknown[]).length).toBe(1);
  });

  it("GET /api/admin/api-key/list", async () => {
    const list = await answerOf(keyList.GET, "/api/admin/api-key/list", { query: `?user_id=${user.user.id}` });
    expect(items(list)).toHaveLength(1);
  });

  it("GET /api/admin/model/list and provider/list", async () => {
    const models = await answerOf(modelList.GET, "/api/admin/model/list", { query: "?q=answers-model" });
    expect(items(models)[0]).toMatchObject({ publicId: "answers-model", provider: { name: "answers-openai" } });
    const providers = await answerOf(providerList.GET, "/api/admin/provider/list");
    expect(items(providers).length).toBeGreaterThan(0);
  });

  it("GET /api/admin/usage, grouped by day and by user", async () => {
    const byDay = await answerOf(usage.GET, "/api/admin/usage", { query: "?from=2026-01-01&to=2026-01-31" });
    expect(byDay.rows).toEqual([expect.objectContaining({ key: "2026-01-30", cost: "1.500000" })]);
    const byUser = await answerOf(usage.GET, "/api/admin/usage", {
      query: "?from=2026-01-01&to=2026-01-31&group_by=user",
    });
    expect((byUser.rows as unknown[]).length).toBe(1);
  });

  it("GET /api/admin/config", async () => {
    const body = await answerOf(config.GET, "/api/admin/config");
    expect(body).toHaveProperty("defaultUserLimits");
  });

  it("GET /api/admin/group/list, status, flags and audit", async () => {
    expect(items(await answerOf(groupList.GET, "/api/admin/group/list")).length).toBeGreaterThan(0);
    await answerOf(status.GET, "/api/admin/status");
    expect(items(await answerOf(flags.GET, "/api/admin/flags", { query: `?user_id=${user.user.id}` }))).toHaveLength(1);
    const logged = await answerOf(audit.GET, "/api/admin/audit", { query: "?action=answers." });
    expect(items(logged)[0]).toMatchObject({ before: { limits: [1, "two", null] }, after: null });
  });

  it("GET /api/admin/session and thread lists and details", async () => {
    const sessions = await answerOf(sessionList.GET, "/api/admin/session/list", { query: `?user_id=${user.user.id}` });
    expect(items(sessions)).toHaveLength(1);
    const detail = await answerOf(sessionDetail.GET, "/api/admin/session/detail/{id}", { params: { id: sessionId } });
    expect((detail.messages as unknown[]).length).toBe(1);
    const threads = await answerOf(threadList.GET, "/api/admin/thread/list", { query: `?user_id=${user.user.id}` });
    expect(items(threads)).toHaveLength(1);
    const thread = await answerOf(threadDetail.GET, "/api/admin/thread/detail/{id}", { params: { id: requestId } });
    expect(thread).toMatchObject({ cost: "1.234567", user: { id: user.user.id } });
  });

  it("rejects an answer that breaks the schema (the parse can fail)", () => {
    const schema = responseSchemaOf("GET", "/api/admin/usage");
    expect(schema.safeParse({ from: "2026-01-01", to: "2026-01-31", group_by: "day", rows: [] }).success).toBe(false);
  });
});

describe("real user and chat answers parse with their response schema", () => {
  it("GET /api/user/limits, keys and usage", async () => {
    const limits = await answerOf(userLimits.GET, "/api/user/limits", { cookie: user.cookie });
    expect((limits.levels as unknown[]).length).toBeGreaterThan(0);
    const keys = await answerOf(userKeys.GET, "/api/user/keys", { cookie: user.cookie });
    expect(items(keys)).toHaveLength(1);
    await answerOf(userUsage.GET, "/api/user/usage", { cookie: user.cookie, query: "?from=2026-01-01&to=2026-01-31" });
  });

  it("GET /api/user/session and thread lists and details (without the owner)", async () => {
    const opts = { cookie: user.cookie };
    expect(items(await answerOf(userSessions.GET, "/api/user/session/list", opts))).toHaveLength(1);
    const detail = await answerOf(userSessionDetail.GET, "/api/user/session/detail/{id}", {
      ...opts,
      params: { id: sessionId },
    });
    expect(detail.session).not.toHaveProperty("user");
    expect(items(await answerOf(userThreads.GET, "/api/user/thread/list", opts))).toHaveLength(1);
    await answerOf(userThreadDetail.GET, "/api/user/thread/detail/{id}", { ...opts, params: { id: requestId } });
  });

  it("GET /api/chat/models and a conversation's share state", async () => {
    const models = await answerOf(chatModels.GET, "/api/chat/models", { cookie: user.cookie });
    expect(models.models as unknown[]).toContainEqual(expect.objectContaining({ id: "answers-model" }));
    await answerOf(share.GET, "/api/chat/sessions/{id}/share", { cookie: user.cookie, params: { id: sessionId } });
  });
});

describe("real account and model-list answers parse with their response schema", () => {
  it("GET /api/auth/me, for a user and for ADMIN_API_KEY", async () => {
    const mine = await answerOf(me.GET, "/api/auth/me", { cookie: user.cookie });
    expect(mine.user).toMatchObject({ id: user.user.id });
    const admin = await answerOf(me.GET, "/api/auth/me");
    expect(admin.user).toMatchObject({ id: null, name: "ADMIN_API_KEY" });
  });

  it("GET /api/v1/models and /api/v1/models/{id}", async () => {
    const list = await answerOf(v1Models.GET, "/api/v1/models", { bearer: user.key });
    expect(list.data as unknown[]).toContainEqual(expect.objectContaining({ id: "answers-model" }));
    await answerOf(v1Model.GET, "/api/v1/models/{id}", { bearer: user.key, params: { id: "answers-model" } });
  });
});

// A model's kind (chat or embedding): set by admins, guessed on discovery, shown in /v1/models, and
// keeping embedding models out of the chat page's picker.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as modelCreate from "@/app/api/admin/model/create/route";
import * as modelList from "@/app/api/admin/model/list/route";
import * as modelUpdate from "@/app/api/admin/model/update/route";
import * as providerRefresh from "@/app/api/admin/provider/refresh/route";
import * as chatModels from "@/app/api/chat/models/route";
import { createProvider } from "@/lib/providers/admin";
import { chatUser } from "../chat/helpers";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { expectValidationError } from "../helpers/admin";
import { ADMIN_TOKEN, call, json, startApp } from "../helpers/app";
import { sdk, seedProviders, userWithKey } from "../helpers/gateway";

const up = await startFakeUpstream();
let ids: Awaited<ReturnType<typeof seedProviders>>;

beforeAll(async () => {
  await startApp();
  ids = await seedProviders(up);
});
afterAll(() => up.close());

type AdminModel = { id: string; publicId: string; kind: string };

describe("model kind", () => {
  it("is CHAT unless an admin says EMBEDDING, and anything else is refused naming the field", async () => {
    const { model: created } = await json<{ model: AdminModel }>(
      await call(modelCreate.POST, {
        bearer: ADMIN_TOKEN,
        body: {
          publicId: "house-embed",
          providerId: ids.openai,
          upstreamId: "text-embedding-3-small",
          kind: "EMBEDDING",
        },
      }),
    );
    expect(created.kind).toBe("EMBEDDING");
    const { model: chat } = await json<{ model: AdminModel }>(
      await call(modelCreate.POST, {
        bearer: ADMIN_TOKEN,
        body: { publicId: "house-chat", providerId: ids.openai, upstreamId: "fake-model" },
      }),
    );
    expect(chat.kind).toBe("CHAT");
    await expectValidationError(
      await call(modelCreate.POST, {
        bearer: ADMIN_TOKEN,
        body: { publicId: "x", providerId: ids.openai, upstreamId: "x", kind: "IMAGE" },
      }),
      "kind",
    );
    const list = await json<{ items: AdminModel[] }>(
      await call(modelList.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/model/list?q=house" }),
    );
    expect(Object.fromEntries(list.items.map((m) => [m.publicId, m.kind]))).toEqual({
      "house-embed": "EMBEDDING",
      "house-chat": "CHAT",
    });
  });

  it("keeps embedding models out of the chat picker but lists them, with their kind, in /v1/models", async () => {
    const { cookie } = await chatUser();
    const { models } = await json<{ models: Array<{ id: string; kind: string }> }>(
      await call(chatModels.GET, { cookie }),
    );
    expect(models.map((m) => m.id)).not.toContain("house-embed");
    expect(models.every((m) => m.kind === "chat")).toBe(true);
    const { key } = await userWithKey();
    const listed = (await sdk(key).models.list()).data as unknown as Array<{ id: string; kind: string }>;
    expect(listed.find((m) => m.id === "house-embed")?.kind).toBe("embedding");
    expect(listed.find((m) => m.id === "house-chat")?.kind).toBe("chat");
  });

  it("changes with an update, and the gateway follows at once", async () => {
    const { key } = await userWithKey();
    const list = await json<{ items: AdminModel[] }>(
      await call(modelList.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/model/list?q=house-chat" }),
    );
    const res = await call(modelUpdate.POST, {
      bearer: ADMIN_TOKEN,
      body: { id: list.items[0].id, kind: "EMBEDDING" },
    });
    expect(res.status).toBe(200);
    const err = await sdk(key)
      .chat.completions.create({ model: "house-chat", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect((err as { status?: number }).status).toBe(400);
    expect((err as Error).message).toMatch(/embedding model/);
  });

  it("starts as EMBEDDING when a discovered model's id says embed", async () => {
    const ollama = await createProvider({ name: "ollama-discover", kind: "OLLAMA", baseUrl: up.url });
    const pulled = await fetch(`${up.url}/api/pull`, {
      method: "POST",
      body: JSON.stringify({ name: "nomic-embed-text", stream: false }),
    });
    expect(pulled.status).toBe(200);
    const refreshed = await json<{ added: string[] }>(
      await call(providerRefresh.POST, { bearer: ADMIN_TOKEN, body: { id: ollama.id } }),
    );
    expect(refreshed.added).toContain("nomic-embed-text:latest");
    const list = await json<{ items: AdminModel[] }>(
      await call(modelList.GET, { bearer: ADMIN_TOKEN, path: `/api/admin/model/list?provider_id=${ollama.id}` }),
    );
    expect(Object.fromEntries(list.items.map((m) => [m.publicId, m.kind]))).toMatchObject({
      "nomic-embed-text:latest": "EMBEDDING",
      "llama3.2:latest": "CHAT",
    });
  });
});

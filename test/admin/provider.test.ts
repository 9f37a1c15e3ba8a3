import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as modelCreate from "@/app/api/admin/model/create/route";
import * as modelDelete from "@/app/api/admin/model/delete/route";
import * as modelList from "@/app/api/admin/model/list/route";
import * as modelUpdate from "@/app/api/admin/model/update/route";
import * as available from "@/app/api/admin/ollama/available/route";
import * as install from "@/app/api/admin/ollama/models/[name]/install/route";
import * as remove from "@/app/api/admin/ollama/models/[name]/route";
import * as variants from "@/app/api/admin/ollama/models/[name]/variants/route";
import * as installed from "@/app/api/admin/ollama/models/route";
import * as providerCreate from "@/app/api/admin/provider/create/route";
import * as providerDelete from "@/app/api/admin/provider/delete/route";
import * as providerList from "@/app/api/admin/provider/list/route";
import * as providerRefresh from "@/app/api/admin/provider/refresh/route";
import * as providerTest from "@/app/api/admin/provider/test/route";
import * as providerUpdate from "@/app/api/admin/provider/update/route";
import { getDb } from "@/lib/db/client";
import { PullProgress } from "@/lib/ollama/progress";
import { createProvider as createProviderDirectly } from "@/lib/providers/admin";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { expectAdminOnly, expectValidationError } from "../helpers/admin";
import { ADMIN_TOKEN, call, json, startApp } from "../helpers/app";

// The fake upstream wants this key on its OpenAI routes, so a wrong credential really fails.
const up = await startFakeUpstream({ apiKey: "sk-right-key" });

type Provider = {
  id: string;
  name: string;
  kind: string;
  baseUrl: string | null;
  hasApiKey: boolean;
  enabled: boolean;
};
type Model = { id: string; publicId: string; inputPrice: string; outputPrice: string; enabled: boolean };

let otherProviderId = "";

beforeAll(startApp);
afterAll(() => up.close());

async function createProvider(body: Record<string, unknown>): Promise<Provider> {
  const res = await call(providerCreate.POST, { bearer: ADMIN_TOKEN, body });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await json<{ provider: Provider }>(res)).provider;
}

type Progress = {
  status: string;
  percent: number;
  completed?: number;
  total?: number;
  eta_seconds?: number | null;
  error?: string;
};

async function readLines(res: Response): Promise<Progress[]> {
  return (await res.text())
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Progress);
}

// Ollama first: its first test needs a database without any Ollama provider.
describe("without an Ollama provider", () => {
  it("answers 404 saying none is configured", async () => {
    const res = await call(installed.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/ollama/models" });
    expect(res.status).toBe(404);
    expect((await json<{ error: { message: string } }>(res)).error.message).toMatch(/No Ollama provider is configured/);
    await createProviderDirectly({ name: "local-ollama", kind: "OLLAMA", baseUrl: up.url });
    otherProviderId = (
      await createProviderDirectly({ name: "not-ollama", kind: "OPENAI_COMPATIBLE", baseUrl: `${up.url}/v1` })
    ).id;
  });
});

describe("GET /api/admin/ollama/models", () => {
  it("lists the installed models of the first Ollama provider", async () => {
    const body = await json<{
      provider: { name: string };
      total: number;
      items: Array<{ name: string; sizeBytes: number; family: string }>;
    }>(await call(installed.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/ollama/models?q=llama" }));
    expect(body.provider.name).toBe("local-ollama");
    expect(body.items).toEqual([expect.objectContaining({ name: "llama3.2:latest", family: "llama" })]);
    expect(body.items[0].sizeBytes).toBeGreaterThan(0);
  });

  it("answers 400 for a provider that is not Ollama or bad paging, and is for administrators only", async () => {
    await expectValidationError(
      await call(installed.GET, {
        bearer: ADMIN_TOKEN,
        path: `/api/admin/ollama/models?provider_id=${otherProviderId}`,
      }),
      "provider_id",
    );
    await expectValidationError(
      await call(installed.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/ollama/models?limit=0" }),
      "limit",
    );
    expect(
      (await call(installed.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/ollama/models?provider_id=nope" })).status,
    ).toBe(404);
    await expectAdminOnly(installed.GET, { path: "/api/admin/ollama/models" });
  });
});

describe("GET /api/admin/ollama/available", () => {
  it("lists the curated models with tags and sizes", async () => {
    const all = await json<{
      total: number;
      items: Array<{ name: string; variants: Array<{ tag: string; size: string; sizeBytes: number }> }>;
    }>(await call(available.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/ollama/available?limit=200" }));
    expect(all.total).toBeGreaterThanOrEqual(15);
    expect(
      all.items.every((m) => m.variants.length > 0 && m.variants.every((v) => v.sizeBytes > 0 && /B$/.test(v.size))),
    ).toBe(true);
    const qwen = await json<{ items: Array<{ name: string }> }>(
      await call(available.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/ollama/available?q=qwen" }),
    );
    expect(qwen.items.map((m) => m.name)).toEqual(["qwen2.5", "qwen2.5-coder"]);
  });

  it("answers 400 for bad paging and is for administrators only", async () => {
    await expectValidationError(
      await call(available.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/ollama/available?offset=-2" }),
      "offset",
    );
    await expectAdminOnly(available.GET, { path: "/api/admin/ollama/available" });
  });
});

describe("GET /api/admin/ollama/models/{name}/variants", () => {
  it("lists the tags of a curated model with the names to install", async () => {
    const body = await json<{ name: string; variants: Array<{ name: string; tag: string }> }>(
      await call(variants.GET, { bearer: ADMIN_TOKEN, params: { name: "llama3.2" } }),
    );
    expect(body.variants.map((v) => v.name)).toEqual(["llama3.2:1b", "llama3.2:3b"]);
  });

  it("answers 404 for a model outside the list, 400 for a bad name, and is for administrators only", async () => {
    expect((await call(variants.GET, { bearer: ADMIN_TOKEN, params: { name: "unknown-model" } })).status).toBe(404);
    await expectValidationError(
      await call(variants.GET, { bearer: ADMIN_TOKEN, params: { name: "bad name;rm" } }),
      "name",
    );
    await expectAdminOnly(variants.GET, { params: { name: "llama3.2" } });
  });
});

describe("POST /api/admin/ollama/models/{name}/install", () => {
  it("streams progress up to 100 %, then the model is installed and in the catalog", async () => {
    const res = await call(install.POST, { method: "POST", bearer: ADMIN_TOKEN, params: { name: "qwen2.5:0.5b" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/x-ndjson");
    const lines = await readLines(res);
    const percents = lines.map((l) => l.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents).toEqual(expect.arrayContaining([20, 40, 60, 80, 100]));
    expect(lines.find((l) => l.percent === 40)).toMatchObject({ completed: 400_000, total: 1_000_000 });
    expect(lines.some((l) => typeof l.eta_seconds === "number" && l.eta_seconds > 0)).toBe(true);
    expect(lines.at(-1)).toEqual({
      status: "success",
      percent: 100,
      completed: 1_000_000,
      total: 1_000_000,
      eta_seconds: 0,
    });

    expect(up.ollamaModels()).toContain("qwen2.5:0.5b");
    const db = await getDb();
    expect(await db.model.findUnique({ where: { publicId: "qwen2.5:0.5b" } })).not.toBeNull();
    expect(await db.auditLog.count({ where: { action: "ollama.install", targetId: "qwen2.5:0.5b" } })).toBe(1);
  });

  it("answers 404 when Ollama has no such model, 400 for a bad name or provider", async () => {
    // Ollama itself answers 200 and puts the error inside the stream; the admin gets a plain 404.
    const missing = await call(install.POST, {
      method: "POST",
      bearer: ADMIN_TOKEN,
      params: { name: "missing-model" },
    });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toBe(
      "Installing 'missing-model' failed: pull model manifest: file does not exist",
    );
    await expectValidationError(
      await call(install.POST, { method: "POST", bearer: ADMIN_TOKEN, params: { name: "x".repeat(129) } }),
      "name",
    );
    await expectValidationError(
      await call(install.POST, {
        bearer: ADMIN_TOKEN,
        params: { name: "llama3.2" },
        body: { provider_id: otherProviderId },
      }),
      "provider_id",
    );
    await expectValidationError(
      await call(install.POST, { bearer: ADMIN_TOKEN, params: { name: "llama3.2" }, body: { provider: "x" } }),
      "body",
    );
  });

  it("ends with an error line, and reports nothing installed, when the download fails midway", async () => {
    const res = await call(install.POST, { method: "POST", bearer: ADMIN_TOKEN, params: { name: "broken-model" } });
    expect(res.status).toBe(200);
    const lines = await readLines(res);
    expect(lines.at(-1)).toMatchObject({ status: "error", error: "max retries exceeded: unexpected EOF", percent: 40 });
    expect(lines.some((l) => l.status === "success")).toBe(false);
    const db = await getDb();
    expect(await db.model.findUnique({ where: { publicId: "broken-model:latest" } })).toBeNull();
    expect(await db.auditLog.count({ where: { action: "ollama.install", targetId: "broken-model" } })).toBe(0);
  });

  it("is for administrators only", async () => {
    await expectAdminOnly(install.POST, { method: "POST", params: { name: "llama3.2:1b" } });
  });
});

describe("DELETE /api/admin/ollama/models/{name}", () => {
  it("removes the model from the server with an audit row", async () => {
    const res = await call(remove.DELETE, { method: "DELETE", bearer: ADMIN_TOKEN, params: { name: "qwen2.5:0.5b" } });
    expect(res.status).toBe(200);
    expect(up.ollamaModels()).not.toContain("qwen2.5:0.5b");
    const db = await getDb();
    expect(await db.auditLog.count({ where: { action: "ollama.delete", targetId: "qwen2.5:0.5b" } })).toBe(1);
  });

  it("answers 404 for a model that is not installed, 400 for a bad name, and is for administrators only", async () => {
    expect(
      (await call(remove.DELETE, { method: "DELETE", bearer: ADMIN_TOKEN, params: { name: "never-installed" } }))
        .status,
    ).toBe(404);
    await expectValidationError(
      await call(remove.DELETE, { method: "DELETE", bearer: ADMIN_TOKEN, params: { name: "../etc" + "\n" } }),
      "name",
    );
    await expectAdminOnly(remove.DELETE, { method: "DELETE", params: { name: "llama3.2:latest" } });
  });
});

describe("PullProgress", () => {
  it("sums layers and estimates the time left from the rate so far", () => {
    let t = 0;
    const p = new PullProgress(() => t);
    p.update({ status: "pulling manifest" });
    expect(p.update({ status: "pulling a", digest: "a", total: 600, completed: 0 })).toMatchObject({
      percent: 0,
      eta_seconds: null,
    });
    p.update({ status: "pulling b", digest: "b", total: 400, completed: 0 });
    t = 10_000;
    expect(p.update({ status: "pulling a", digest: "a", total: 600, completed: 250 })).toEqual({
      status: "pulling a",
      percent: 25,
      completed: 250,
      total: 1000,
      eta_seconds: 30,
    });
    expect(p.done()).toEqual({ status: "success", percent: 100, completed: 1000, total: 1000, eta_seconds: 0 });
  });
});

describe("POST /api/admin/provider/create", () => {
  it("stores the provider with its key encrypted and never returns the key", async () => {
    const p = await createProvider({
      name: "openai-main",
      kind: "OPENAI",
      baseUrl: `${up.url}/v1`,
      apiKey: "sk-right-key",
    });
    expect(p).toMatchObject({ name: "openai-main", kind: "OPENAI", hasApiKey: true, enabled: true });
    expect(JSON.stringify(p)).not.toContain("sk-right-key");
    const db = await getDb();
    const row = await db.provider.findUniqueOrThrow({ where: { id: p.id }, omit: { apiKeyEnc: false } });
    expect(row.apiKeyEnc).toBeTruthy();
    expect(row.apiKeyEnc).not.toContain("sk-right-key");
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "provider.create", targetId: p.id } });
    expect(JSON.stringify(audit)).not.toContain("sk-right-key");
    expect(audit.after).toMatchObject({ name: "openai-main", hasApiKey: true });
  });

  it("answers 409 for a taken name and 400 naming the field", async () => {
    await createProvider({ name: "dup-provider", kind: "OLLAMA", baseUrl: up.url });
    expect(
      (await call(providerCreate.POST, { bearer: ADMIN_TOKEN, body: { name: "dup-provider", kind: "OLLAMA" } })).status,
    ).toBe(409);
    await expectValidationError(
      await call(providerCreate.POST, { bearer: ADMIN_TOKEN, body: { name: "x", kind: "AZURE" } }),
      "kind",
    );
    await expectValidationError(
      await call(providerCreate.POST, { bearer: ADMIN_TOKEN, body: { name: "x", kind: "OPENAI", baseUrl: "ftp://x" } }),
      "baseUrl",
    );
    await expectValidationError(
      await call(providerCreate.POST, {
        bearer: ADMIN_TOKEN,
        body: { name: "x", kind: "BEDROCK", regions: ["moon-1"] },
      }),
      "regions.0",
    );
  });

  it("is for administrators only", async () => {
    await expectAdminOnly(providerCreate.POST, { body: { name: "x", kind: "OLLAMA" } });
  });
});

describe("GET /api/admin/provider/list", () => {
  it("lists providers without credentials, filtered by kind", async () => {
    const body = await json<{ total: number; items: Provider[] }>(
      await call(providerList.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/provider/list?kind=openai" }),
    );
    expect(body.items.map((p) => p.name)).toEqual(["openai-main"]);
    expect(JSON.stringify(body)).not.toMatch(/Enc"|sk-right-key/);
  });

  it("answers 400 for a bad kind and is for administrators only", async () => {
    await expectValidationError(
      await call(providerList.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/provider/list?kind=azure" }),
      "kind",
    );
    await expectAdminOnly(providerList.GET, { path: "/api/admin/provider/list" });
  });
});

describe("POST /api/admin/provider/test", () => {
  it("reports success against the upstream and the error with a wrong key", async () => {
    const p = await createProvider({
      name: "to-test",
      kind: "OPENAI",
      baseUrl: `${up.url}/v1`,
      apiKey: "sk-right-key",
    });
    const ok = await json<{ ok: boolean; models: number; latencyMs: number }>(
      await call(providerTest.POST, { bearer: ADMIN_TOKEN, body: { id: p.id } }),
    );
    expect(ok).toMatchObject({ ok: true, models: 2 });
    await call(providerUpdate.POST, { bearer: ADMIN_TOKEN, body: { id: p.id, apiKey: "sk-wrong" } });
    const bad = await json<{ ok: boolean; error: string }>(
      await call(providerTest.POST, { bearer: ADMIN_TOKEN, body: { id: p.id } }),
    );
    expect(bad.ok).toBe(false);
    expect(bad.error).toContain("401");
  });

  it("answers 404 for an unknown provider, 400 without an id, and is for administrators only", async () => {
    expect((await call(providerTest.POST, { bearer: ADMIN_TOKEN, body: { id: "nope" } })).status).toBe(404);
    await expectValidationError(await call(providerTest.POST, { bearer: ADMIN_TOKEN, body: {} }), "id");
    await expectAdminOnly(providerTest.POST, { body: { id: "x" } });
  });
});

describe("POST /api/admin/provider/refresh", () => {
  it("adds the upstream's models that are not in the catalog yet", async () => {
    const p = await createProvider({
      name: "to-refresh",
      kind: "OPENAI_COMPATIBLE",
      baseUrl: `${up.url}/v1`,
      apiKey: "sk-right-key",
    });
    const first = await json<{ discovered: number; added: string[] }>(
      await call(providerRefresh.POST, { bearer: ADMIN_TOKEN, body: { id: p.id } }),
    );
    expect(first).toEqual({ discovered: 2, added: ["fake-model", "fake-vision"] });
    const again = await json<{ added: string[] }>(
      await call(providerRefresh.POST, { bearer: ADMIN_TOKEN, body: { id: p.id } }),
    );
    expect(again.added).toEqual([]);
    const db = await getDb();
    expect(await db.model.count({ where: { providerId: p.id } })).toBe(2);
    expect(await db.auditLog.count({ where: { action: "provider.refresh", targetId: p.id } })).toBe(1);
  });

  it("answers 404 for an unknown provider, 400 for a bad id, and is for administrators only", async () => {
    expect((await call(providerRefresh.POST, { bearer: ADMIN_TOKEN, body: { id: "nope" } })).status).toBe(404);
    await expectValidationError(await call(providerRefresh.POST, { bearer: ADMIN_TOKEN, body: { id: 1 } }), "id");
    await expectAdminOnly(providerRefresh.POST, { body: { id: "x" } });
  });
});

describe("POST /api/admin/provider/update", () => {
  it("changes the provider with before and after in the audit log", async () => {
    const p = await createProvider({ name: "to-update", kind: "OLLAMA", baseUrl: up.url });
    const res = await call(providerUpdate.POST, {
      bearer: ADMIN_TOKEN,
      body: { id: p.id, enabled: false, baseUrl: "http://127.0.0.1:11434" },
    });
    expect((await json<{ provider: Provider }>(res)).provider).toMatchObject({
      enabled: false,
      baseUrl: "http://127.0.0.1:11434",
    });
    const db = await getDb();
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "provider.update", targetId: p.id } });
    expect(audit).toMatchObject({ before: { enabled: true }, after: { enabled: false } });
  });

  it("answers 404 for an unknown provider, 400 naming the field, and is for administrators only", async () => {
    expect((await call(providerUpdate.POST, { bearer: ADMIN_TOKEN, body: { id: "nope", enabled: true } })).status).toBe(
      404,
    );
    await expectValidationError(
      await call(providerUpdate.POST, { bearer: ADMIN_TOKEN, body: { id: "x", enabled: "yes" } }),
      "enabled",
    );
    await expectValidationError(await call(providerUpdate.POST, { bearer: ADMIN_TOKEN, body: { id: "x" } }), "body");
    await expectAdminOnly(providerUpdate.POST, { body: { id: "x", enabled: true } });
  });
});

describe("POST /api/admin/provider/delete", () => {
  it("removes the provider and its models", async () => {
    const p = await createProvider({ name: "to-delete", kind: "OLLAMA", baseUrl: up.url });
    const db = await getDb();
    await db.model.create({ data: { publicId: "doomed-model", providerId: p.id, upstreamId: "x" } });
    expect(await json(await call(providerDelete.POST, { bearer: ADMIN_TOKEN, body: { id: p.id } }))).toEqual({
      deleted: true,
      id: p.id,
    });
    expect(await db.model.count({ where: { publicId: "doomed-model" } })).toBe(0);
    expect(await db.auditLog.count({ where: { action: "provider.delete", targetId: p.id } })).toBe(1);
  });

  it("answers 404 for an unknown provider, 400 without an id, and is for administrators only", async () => {
    expect((await call(providerDelete.POST, { bearer: ADMIN_TOKEN, body: { id: "nope" } })).status).toBe(404);
    await expectValidationError(await call(providerDelete.POST, { bearer: ADMIN_TOKEN, body: {} }), "id");
    await expectAdminOnly(providerDelete.POST, { body: { id: "x" } });
  });
});

describe("models", () => {
  let providerId = "";
  beforeAll(async () => {
    providerId = (
      await createProvider({ name: "model-host", kind: "OPENAI", baseUrl: `${up.url}/v1`, apiKey: "sk-right-key" })
    ).id;
  });

  it("POST /api/admin/model/create publishes a model with prices as strings", async () => {
    const res = await call(modelCreate.POST, {
      bearer: ADMIN_TOKEN,
      body: { publicId: "gpt-house", providerId, upstreamId: "fake-model", inputPrice: "0.15", outputPrice: "0.6" },
    });
    expect(res.status).toBe(201);
    expect((await json<{ model: Model }>(res)).model).toMatchObject({
      publicId: "gpt-house",
      inputPrice: "0.150000",
      outputPrice: "0.600000",
    });
    expect(
      (
        await call(modelCreate.POST, {
          bearer: ADMIN_TOKEN,
          body: { publicId: "gpt-house", providerId, upstreamId: "x" },
        })
      ).status,
    ).toBe(409);
    await expectValidationError(
      await call(modelCreate.POST, {
        bearer: ADMIN_TOKEN,
        body: { publicId: "m2", providerId, upstreamId: "x", inputPrice: "-1" },
      }),
      "inputPrice",
    );
    await expectValidationError(
      await call(modelCreate.POST, {
        bearer: ADMIN_TOKEN,
        body: { publicId: "m2", providerId: "missing", upstreamId: "x" },
      }),
      "providerId",
    );
    await expectAdminOnly(modelCreate.POST, { body: { publicId: "m3", providerId, upstreamId: "x" } });
  });

  it("GET /api/admin/model/list searches and filters by provider", async () => {
    const body = await json<{ total: number; items: Model[] }>(
      await call(modelList.GET, {
        bearer: ADMIN_TOKEN,
        path: `/api/admin/model/list?provider_id=${providerId}&q=house`,
      }),
    );
    expect(body.items.map((m) => m.publicId)).toEqual(["gpt-house"]);
    await expectValidationError(
      await call(modelList.GET, { bearer: ADMIN_TOKEN, path: "/api/admin/model/list?limit=-5" }),
      "limit",
    );
    await expectAdminOnly(modelList.GET, { path: "/api/admin/model/list" });
  });

  it("POST /api/admin/model/update changes prices with the old and new price audited", async () => {
    const db = await getDb();
    const model = await db.model.findUniqueOrThrow({ where: { publicId: "gpt-house" } });
    const res = await call(modelUpdate.POST, {
      bearer: ADMIN_TOKEN,
      body: { id: model.id, outputPrice: "1.2", enabled: false },
    });
    expect((await json<{ model: Model }>(res)).model).toMatchObject({ outputPrice: "1.200000", enabled: false });
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "model.update", targetId: model.id } });
    expect(audit).toMatchObject({ before: { outputPrice: "0.600000" }, after: { outputPrice: "1.200000" } });
    expect((await call(modelUpdate.POST, { bearer: ADMIN_TOKEN, body: { id: "nope", enabled: true } })).status).toBe(
      404,
    );
    await expectValidationError(
      await call(modelUpdate.POST, { bearer: ADMIN_TOKEN, body: { id: model.id, contextWindow: 0 } }),
      "contextWindow",
    );
    await expectAdminOnly(modelUpdate.POST, { body: { id: model.id, enabled: true } });
  });

  it("POST /api/admin/model/delete removes the model", async () => {
    const db = await getDb();
    const model = await db.model.findUniqueOrThrow({ where: { publicId: "gpt-house" } });
    expect(await json(await call(modelDelete.POST, { bearer: ADMIN_TOKEN, body: { id: model.id } }))).toEqual({
      deleted: true,
      id: model.id,
    });
    expect(await db.model.findUnique({ where: { id: model.id } })).toBeNull();
    expect(await db.auditLog.count({ where: { action: "model.delete", targetId: model.id } })).toBe(1);
    expect((await call(modelDelete.POST, { bearer: ADMIN_TOKEN, body: { id: model.id } })).status).toBe(404);
    await expectValidationError(await call(modelDelete.POST, { bearer: ADMIN_TOKEN, body: { id: "" } }), "id");
    await expectAdminOnly(modelDelete.POST, { body: { id: "x" } });
  });
});

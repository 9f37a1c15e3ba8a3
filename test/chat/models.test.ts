import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as modelsRoute from "@/app/api/chat/models/route";
import { getDb } from "@/lib/db/client";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { call, startApp } from "../helpers/app";
import { seedProviders } from "../helpers/gateway";
import { chatUser } from "./helpers";

const up = await startFakeUpstream();

beforeAll(async () => {
  await startApp();
  await seedProviders(up, { input: "0.15", output: "0.6" });
});
afterAll(() => up.close());

describe("GET /api/chat/models", () => {
  it("lists the enabled models with their prices per million tokens, for a signed-in user", async () => {
    const { cookie } = await chatUser();
    const res = await call(modelsRoute.GET, { cookie });
    expect(res.status).toBe(200);
    const { models } = (await res.json()) as {
      models: Array<{ id: string; supports_images: boolean; pricing: Record<string, string | null> }>;
    };
    expect(models.map((m) => m.id)).toEqual(["bedrock-fake", "compat-fake", "gpt-fake", "ollama-fake"]);
    expect(models[0]).toMatchObject({
      supports_images: false,
      pricing: { input_per_million: "0.150000", output_per_million: "0.600000" },
    });
    expect((await call(modelsRoute.GET, {})).status).toBe(401);
  });

  it("carries the capabilities the picker shows as badges: images, tools (set by an admin) and files", async () => {
    const { updateModel } = await import("@/lib/providers/admin");
    const d = await getDb();
    const { id } = await d.model.findUniqueOrThrow({ where: { publicId: "gpt-fake" } });
    await updateModel(id, { supportsTools: true, supportsImages: true });
    const { cookie } = await chatUser();
    const { models } = (await (await call(modelsRoute.GET, { cookie })).json()) as {
      models: Array<{ id: string; supports_images: boolean; supports_tools: boolean; supports_files: boolean }>;
    };
    const capabilities = Object.fromEntries(
      models.map((m) => [m.id, [m.supports_images, m.supports_tools, m.supports_files]]),
    );
    expect(capabilities["gpt-fake"]).toEqual([true, true, true]);
    expect(capabilities["compat-fake"]).toEqual([false, false, true]);
  });
});

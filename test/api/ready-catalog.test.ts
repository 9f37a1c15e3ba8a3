// GET /api/ready while start-up still discovers the models of a provider named in the environment:
// 503 naming the catalog (a load balancer would otherwise send calls that answer 404 and a
// /v1/models that lists too little), even if a request loads the catalog meanwhile; ready once the
// discovery has finished and the catalog holds what it found.
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as ready from "@/app/api/ready/route";
import { resetConfig } from "@/lib/config";
import { listEnabledModels } from "@/lib/providers/catalog";
import { forgetProviderChecks } from "@/lib/readiness";
import { readinessDetailSchema } from "@/lib/validations/health";
import { ADMIN_TOKEN, startApp } from "../helpers/app";

const MODELS = JSON.stringify({ object: "list", data: [{ id: "slow-discovered-model", object: "model" }] });

// A provider whose model listing answers only when the test says so.
let release: () => void = () => {};
const released = new Promise<void>((resolve) => (release = resolve));
let listingAsked: () => void = () => {};
const firstListing = new Promise<void>((resolve) => (listingAsked = resolve));
const provider = createServer((req, res: ServerResponse) => {
  if (req.url !== "/v1/models") return void res.writeHead(404).end();
  listingAsked();
  void released.then(() => res.writeHead(200, { "content-type": "application/json" }).end(MODELS));
});

beforeAll(async () => {
  await new Promise<void>((resolve) => provider.listen(0, "127.0.0.1", resolve));
  process.env.OPENAI_COMPATIBLE_BASE_URL = `http://127.0.0.1:${(provider.address() as AddressInfo).port}/v1`;
  resetConfig();
});
afterAll(async () => {
  release();
  delete process.env.OPENAI_COMPATIBLE_BASE_URL;
  resetConfig();
  await new Promise((resolve) => provider.close(resolve));
});

async function probe() {
  const res = await ready.GET(
    new Request("http://localhost/api/ready", { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }),
  );
  return { status: res.status, body: readinessDetailSchema.parse(await res.json()) };
}

describe("GET /api/ready during start-up's model discovery", () => {
  it("is not ready, naming the catalog, until the discovery has finished; then ready with the models", async () => {
    const started = startApp();
    await firstListing;
    // A request in the meantime loads the catalog without the provider's models: still not ready.
    expect((await listEnabledModels()).map((m) => m.publicId)).not.toContain("slow-discovered-model");
    const during = await probe();
    expect(during.status).toBe(503);
    expect(during.body).toMatchObject({ status: "not_ready", db: "ok", catalog: "loading" });
    expect(during.body.failing).toContain("catalog");

    release();
    await started;
    forgetProviderChecks(); // the provider check made while the listing was held timed out
    const after = await probe();
    expect(after.body).toMatchObject({ catalog: "loaded", failing: [], providers: { reachable: 1, enabled: 1 } });
    expect(after.status).toBe(200);
    expect((await listEnabledModels()).map((m) => m.publicId)).toContain("slow-discovered-model");
  });
});

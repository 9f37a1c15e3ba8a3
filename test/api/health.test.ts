import { beforeAll, describe, expect, it } from "vitest";
import * as health from "@/app/api/health/route";
import { markDraining } from "@/lib/health";
import pkg from "@/package.json";
import { call, json, startApp } from "../helpers/app";

beforeAll(startApp);

describe("GET /api/health", () => {
  it("answers ok with the database state and version", async () => {
    const res = await call(health.GET);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ status: "ok", db: "ok", version: pkg.version });
  });

  it("answers 503 while draining", async () => {
    markDraining();
    const res = await call(health.GET);
    expect(res.status).toBe(503);
    expect(await json(res)).toMatchObject({ status: "draining", db: "ok" });
  });
});

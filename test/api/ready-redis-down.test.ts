// GET /api/ready with REDIS_URL set but Redis not answering: 503 naming Redis (rate limits and live
// updates across instances would fail).
import { beforeAll, describe, expect, it } from "vitest";
import * as ready from "@/app/api/ready/route";
import { ADMIN_TOKEN, startApp } from "../helpers/app";

process.env.REDIS_URL = "redis://127.0.0.1:1";

beforeAll(startApp);

describe("GET /api/ready without Redis", () => {
  it("answers 503 with redis among the failing parts", async () => {
    const res = await ready.GET(
      new Request("http://localhost/api/ready", { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }),
    );
    expect(res.status).toBe(503);
    const body = (await res.json()) as { failing: string[] };
    expect(body).toMatchObject({ status: "not_ready", db: "ok", redis: "unreachable" });
    expect(body.failing).toContain("redis");
  });
});

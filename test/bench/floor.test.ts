// The billing floor of `npm run bench -- --compare floor` (bench/floor.mjs): item 5's ratio is read
// against it, so it must really do what it stands for — refuse an unknown key, relay JSON and
// streamed answers as they came, and write one row per request with the wallet debited exactly
// their sum. How fast it is lives in the benchmark, not here.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFloor } from "../../bench/floor.mjs";
import { createDatabase } from "../../bench/lib/tollgate.mjs";
import { MODEL_ID, startMockUpstream } from "../../bench/mock-upstream.mjs";

const KEY = "floor-test-key";
let db: Awaited<ReturnType<typeof createDatabase>>;
let mock: { server: import("node:http").Server; url: string };
let floor: Awaited<ReturnType<typeof startFloor>>;

beforeAll(async () => {
  db = await createDatabase();
  mock = await startMockUpstream();
  floor = await startFloor({ upstream: mock.url, databaseUrl: db.url, apiKey: KEY });
});
afterAll(async () => {
  floor?.server.close();
  mock?.server.close();
  await db?.drop();
});

const call = (stream: boolean, key = KEY) =>
  fetch(`${floor.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: MODEL_ID, messages: [{ role: "user", content: "hi" }], max_tokens: 64, stream }),
  });

describe("the billing floor", () => {
  it("refuses an unknown key and records nothing for it", async () => {
    const res = await call(false, "not-the-key");
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { message: "Invalid API key" } });
  });

  it("relays answers and charges each request exactly once, from the upstream's usage", async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => call(i % 2 === 1)));
    const texts = await Promise.all(answers.map((r) => r.text()));
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(JSON.parse(texts[0]).usage).toEqual({ prompt_tokens: 14, completion_tokens: 20, total_tokens: 34 });
    expect(texts[1].trimEnd().endsWith("data: [DONE]")).toBe(true);
    await floor.account.close(); // writes the last batch
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const rows = await client.query(
        "SELECT prompt_tokens, completion_tokens, cost::text FROM floor_request ORDER BY id",
      );
      // 14 tokens in at $1 per million, 20 out at $2: $0.000054 each.
      expect(rows.rows).toEqual(Array(10).fill({ prompt_tokens: 14, completion_tokens: 20, cost: "0.000054" }));
      const wallet = await client.query("SELECT (1000000000 - balance)::text AS debited FROM floor_wallet");
      expect(wallet.rows[0].debited).toBe("0.000540");
    } finally {
      await client.end();
    }
  });
});

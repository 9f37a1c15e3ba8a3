// Issue 19 item 4: hostile input gets a clear 4xx and nothing is written — a lone UTF-16 surrogate
// in a chat message (was a 500 on /api/chat, and a retryable 503 "Billing is temporarily
// unavailable" on /v1), and JSON nested thousands deep in a forwarded field (was "Maximum call
// stack size exceeded", a 500). Depth is bounded when the body is parsed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as register from "@/app/api/auth/register/route";
import * as chatRoute from "@/app/api/chat/route";
import * as completions from "@/app/api/v1/chat/completions/route";
import { jsonDepth, MAX_JSON_DEPTH } from "@/lib/api/body";
import { chatUser } from "../chat/helpers";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { call, json, startApp } from "../helpers/app";
import { databaseDigest } from "../helpers/db-snapshot";
import { seedProviders, userWithKey } from "../helpers/gateway";

const up = await startFakeUpstream();
let key = "";
let cookie = "";

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
  key = (await userWithKey({ userLimits: { balance: 10_000_000n } })).key;
  cookie = (await chatUser({ balance: 10_000_000n })).cookie;
});
afterAll(() => up.close());

type ErrorBody = { error: { message: string; code?: string | null; type?: string } };

/** Sends raw JSON text (as a client could) and checks the answer is a 400 and that no table changed. */
async function expectRefusedWithoutWrite(send: () => Promise<Response>, message: RegExp) {
  const before = await databaseDigest();
  const res = await send();
  const body = await json<ErrorBody>(res);
  expect(res.status, JSON.stringify(body)).toBe(400);
  expect(res.headers.get("retry-after")).toBeNull();
  expect(body.error.message).toMatch(message);
  expect(await databaseDigest()).toEqual(before);
}

const gateway = (rawBody: string) =>
  call(completions.POST, { bearer: key, rawBody, headers: { "content-type": "application/json" } });
const chatPage = (rawBody: string) =>
  call(chatRoute.POST, { cookie, rawBody, headers: { "content-type": "application/json" } });

describe("a lone UTF-16 surrogate", () => {
  const lone = String.raw`hello \ud800 world`;

  it("in a /v1 message is a 400 naming the field, not a retryable 503", async () => {
    await expectRefusedWithoutWrite(
      () => gateway(`{"model":"gpt-fake","messages":[{"role":"user","content":"${lone}"}]}`),
      /messages\.0\.content: must not contain a lone UTF-16 surrogate/,
    );
  });

  it("in a chat-page message is a 400, not a 500", async () => {
    const message = `{"id":"m1","role":"user","parts":[{"type":"text","text":"${lone}"}]}`;
    await expectRefusedWithoutWrite(
      () => chatPage(`{"model":"compat-fake","message":${message}}`),
      /lone UTF-16 surrogate/,
    );
  });

  it("in a field name or a sign-up is refused the same way", async () => {
    await expectRefusedWithoutWrite(
      () =>
        gateway(String.raw`{"model":"gpt-fake","messages":[{"role":"user","content":"hi"}],"metadata":{"\udfff":"x"}}`),
      /lone UTF-16 surrogate/,
    );
    await expectRefusedWithoutWrite(
      () =>
        call(register.POST, {
          rawBody: String.raw`{"email":"sur@example.test","password":"long-enough-1","name":"\ud83d"}`,
          headers: { "content-type": "application/json" },
        }),
      /name: must not contain a lone UTF-16 surrogate/,
    );
  });

  it("paired surrogates (emoji) are fine", async () => {
    const res = await gateway(
      String.raw`{"model":"gpt-fake","messages":[{"role":"user","content":"hi \ud83d\udca5"}]}`,
    );
    expect(res.status).toBe(200);
  });
});

describe("deeply nested JSON", () => {
  const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

  it("5,000 deep in a forwarded field (metadata) is a 400, not a stack overflow", async () => {
    await expectRefusedWithoutWrite(
      () => gateway(`{"model":"gpt-fake","messages":[{"role":"user","content":"hi"}],"metadata":${nested(5000)}}`),
      /nested deeper than 64 levels/,
    );
    await expectRefusedWithoutWrite(
      () =>
        chatPage(
          `{"model":"compat-fake","message":{"id":"m2","role":"user","parts":[{"type":"text","text":"x"}],"metadata":${nested(5000)}}}`,
        ),
      /nested deeper than 64/,
    );
  });

  it("is measured on structure, not on brackets inside strings", () => {
    expect(jsonDepth(`{"a":"${"[".repeat(1000)}"}`)).toBe(1);
    expect(jsonDepth(String.raw`{"a":"\"[[[","b":[[1]]}`)).toBe(3);
    expect(jsonDepth(nested(MAX_JSON_DEPTH))).toBe(MAX_JSON_DEPTH);
  });

  it("up to the bound still parses (a realistic nested tool schema passes)", async () => {
    const res = await gateway(
      `{"model":"gpt-fake","messages":[{"role":"user","content":"hi"}],"metadata":${nested(MAX_JSON_DEPTH - 1)}}`,
    );
    expect(res.status).not.toBeGreaterThanOrEqual(500);
    expect(await res.text()).not.toMatch(/nested deeper/);
  });
});

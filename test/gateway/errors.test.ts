// Under /v1 (and /api/v1) every answer is JSON in OpenAI's error shape: an unknown path is a 404,
// a wrong method a 405, and a request OpenAI refuses is refused here too, naming the parameter
// (rules from OpenAI's published OpenAPI document) — before any upstream is called.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream } from "../fake-upstream/server.mjs";
import { startApp } from "../helpers/app";
import { gatewayFetch, seedProviders, userWithKey } from "../helpers/gateway";

const up = await startFakeUpstream();
let key = "";

beforeAll(async () => {
  await startApp();
  await seedProviders(up);
  ({ key } = await userWithKey());
});
afterAll(() => up.close());

const send = (method: string, path: string, body?: unknown) =>
  gatewayFetch(`http://tollgate.test${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

type OpenAiError = { error: { message: string; type: string; param: string | null; code: string | null } };

describe("unknown paths and wrong methods", () => {
  it.each([
    ["GET", "/v1/nope"],
    ["POST", "/v1/chat/nope"],
    ["POST", "/api/v1/assistants"],
    ["GET", "/v1/responses/resp_1/nope"],
    ["DELETE", "/v1"],
  ])("%s %s answers 404 JSON", async (method, path) => {
    const res = await send(method, path);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await res.json()) as OpenAiError;
    expect(body.error).toMatchObject({ type: "invalid_request_error", code: "not_found" });
    expect(body.error.message).toContain(path);
  });

  it.each([
    ["GET", "/v1/chat/completions", "POST"],
    ["DELETE", "/v1/models", "GET"],
    ["POST", "/v1/models/gpt-fake", "GET"],
    ["GET", "/v1/responses", "POST"],
    ["PUT", "/v1/responses/resp_1", "GET, DELETE"],
    ["GET", "/v1/completions", "POST"],
  ])("%s %s answers 405 JSON allowing %s", async (method, path, allow) => {
    const res = await send(method, path);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe(allow);
    const body = (await res.json()) as OpenAiError;
    expect(body.error).toMatchObject({ type: "invalid_request_error", code: "method_not_allowed" });
  });
});

describe("chat completions refuse what OpenAI refuses, naming the parameter", () => {
  const user = { role: "user", content: "hi" };
  it.each([
    [
      "a user message with null content",
      { messages: [{ role: "user", content: null }] },
      "messages.0.content",
      /is required/,
    ],
    ["a user message without content", { messages: [{ role: "user" }] }, "messages.0.content", /is required/],
    [
      "a system message with null content",
      { messages: [{ role: "system", content: null }, user] },
      "messages.0.content",
      /is required/,
    ],
    ["an empty content array", { messages: [{ role: "user", content: [] }] }, "messages.0.content", /empty/],
    [
      "an unknown content part",
      { messages: [{ role: "user", content: [{ type: "video", video: "x" }] }] },
      "messages.0.content.0.type",
      /text, image_url/,
    ],
    [
      "an unknown role",
      { messages: [{ role: "robot", content: "x" }] },
      "messages.0.role",
      /must be system, developer, user, assistant, tool or function/,
    ],
    [
      "a tool message without tool_call_id",
      { messages: [user, { role: "tool", content: "x" }] },
      "messages.1.tool_call_id",
      /is required/,
    ],
    [
      "an assistant message with neither content nor calls",
      { messages: [user, { role: "assistant", content: null }, user] },
      "messages.1.content",
      /tool_calls/,
    ],
    ["n below 1", { messages: [user], n: 0 }, "n", /./],
    ["negative max_tokens", { messages: [user], max_tokens: -5 }, "max_tokens", /./],
    ["temperature above 2", { messages: [user], temperature: 2.5 }, "temperature", /./],
    ["more than 4 stop sequences", { messages: [user], stop: ["a", "b", "c", "d", "e"] }, "stop", /./],
    ["no messages", { messages: [] }, "messages", /at least one/],
  ])("refuses %s", async (_what, body, param, message) => {
    const before = up.requests.length;
    const res = await send("POST", "/v1/chat/completions", { model: "compat-fake", ...body });
    expect(res.status).toBe(400);
    const err = ((await res.json()) as OpenAiError).error;
    expect(err).toMatchObject({ type: "invalid_request_error", param });
    expect(err.message).toMatch(message);
    expect(up.requests.length).toBe(before);
  });

  it("accepts an assistant message with tool_calls and null content, and its tool answer", async () => {
    const res = await send("POST", "/v1/chat/completions", {
      model: "compat-fake",
      messages: [
        user,
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
      ],
    });
    expect(res.status).toBe(200);
    expect(
      ((await res.json()) as { choices: Array<{ message: { content: string } }> }).choices[0].message.content,
    ).toBe("tool result received: sunny");
  });
});

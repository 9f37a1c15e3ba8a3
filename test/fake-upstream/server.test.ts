import { AwsV4Signer } from "aws4fetch";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  decodeEventStream,
  encodeEventStreamMessage,
  type FakeUpstream,
  parseModelDirectives,
  startFakeUpstream,
} from "./server.mjs";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed wire JSON, inspected freely
type Json = any;

let up: FakeUpstream;

beforeAll(async () => {
  up = await startFakeUpstream({ pullStepDelayMs: 5 });
});
afterAll(async () => {
  await up.close();
});
beforeEach(() => up.reset());

const post = (path: string, body: unknown, init: RequestInit = {}) =>
  fetch(up.url + path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    ...init,
  });

/** A Bedrock request signed as the AI SDK signs it (aws4fetch), for a region's endpoint. */
async function bedrockPost(
  path: string,
  body: unknown,
  opts: {
    region?: string;
    scopeRegion?: string;
    key?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    dropToken?: boolean;
  } = {},
) {
  const region = opts.region ?? "us-east-1";
  const url = `${up.url}${opts.region ? `/${opts.region}` : ""}${path}`;
  const key = opts.key ?? { accessKeyId: "AKIDTEST", secretAccessKey: "bedrock-secret" };
  const signed = await new AwsV4Signer({
    url,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    service: "bedrock",
    region: opts.scopeRegion ?? region,
    ...key,
  }).sign();
  const headers = new Headers(signed.headers);
  if (opts.dropToken) headers.delete("x-amz-security-token");
  return fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
}

const user = (content: string) => [{ role: "user", content }];
const tools = [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }];

/** Parse an SSE body into JSON events; `done` tells whether `data: [DONE]` was seen. */
function parseSse(text: string) {
  const events: Json[] = [];
  let done = false;
  for (const block of text.split("\n\n")) {
    const line = block.trim();
    if (!line.startsWith("data: ")) continue;
    const data = line.slice(6);
    if (data === "[DONE]") done = true;
    else events.push(JSON.parse(data));
  }
  return { events, done };
}

const ndjson = (text: string) =>
  text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));

/** Read a body to the end, returning what arrived and whether reading failed. */
async function readAll(res: Response) {
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let text = "";
  let error: unknown;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += dec.decode(value, { stream: true });
    }
  } catch (e) {
    error = e;
  }
  return { text, error };
}

const waitFor = async (cond: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("directives", () => {
  it("parses combined directives and keeps unknown segments in the base name", () => {
    expect(parseModelDirectives("fake:chunks=20:cut=5:idle=10")).toEqual({
      base: "fake",
      chunks: 20,
      cut: 5,
      idle: 10,
    });
    expect(parseModelDirectives("llama3.2:latest:headers-delay=7:nousage:tool")).toEqual({
      base: "llama3.2:latest",
      headersDelay: 7,
      nousage: true,
      tool: true,
    });
  });
});

describe("OpenAI chat completions", () => {
  it("lists models", async () => {
    const res = await fetch(up.url + "/v1/models");
    const json = await res.json();
    expect(json.object).toBe("list");
    expect(json.data.map((m: Json) => m.id)).toEqual(["fake-model", "fake-vision"]);
    expect(json.data[0]).toMatchObject({ object: "model", owned_by: "fake" });
    expect((await fetch(up.url + "/models")).status).toBe(200);
  });

  it("answers non-stream with deterministic content and usage, honouring n", async () => {
    const res = await post("/v1/chat/completions", {
      model: "fake-model",
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: [{ type: "text", text: "hello there world" }] },
      ],
    });
    expect(res.status).toBe(200);
    const json = await res.json();
    expect(json).toMatchObject({ object: "chat.completion", model: "fake-model" });
    expect(json.choices[0]).toMatchObject({
      index: 0,
      message: { role: "assistant", content: "tok0 tok1 tok2 tok3 tok4 " },
      finish_reason: "stop",
    });
    expect(json.usage).toEqual({ prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 });

    const two = await (await post("/chat/completions", { model: "fake:chunks=2", n: 2, messages: user("hi") })).json();
    expect(two.choices).toHaveLength(2);
    expect(two.usage).toEqual({ prompt_tokens: 1, completion_tokens: 4, total_tokens: 5 });

    const nousage = await (await post("/v1/chat/completions", { model: "fake:nousage", messages: user("hi") })).json();
    expect(nousage.usage).toBeUndefined();
  });

  it("echoes chosen text word by word", async () => {
    const res = await post("/v1/chat/completions", {
      model: "fake",
      messages: user("please echo: <img src=x onerror=alert(1)>"),
    });
    const json = await res.json();
    expect(json.choices[0].message.content).toBe("<img src=x onerror=alert(1)>");
    expect(json.usage.completion_tokens).toBe(3);
  });

  it("streams SSE with include_usage and [DONE]", async () => {
    const res = await post("/v1/chat/completions", {
      model: "fake:chunks=4",
      stream: true,
      stream_options: { include_usage: true },
      messages: user("one two three"),
    });
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const { events, done } = parseSse(await res.text());
    expect(done).toBe(true);
    expect(events[0].choices[0].delta).toEqual({ role: "assistant", content: "" });
    const content = events.flatMap((e) => e.choices.map((c: Json) => c.delta.content ?? "")).join("");
    expect(content).toBe("tok0 tok1 tok2 tok3 ");
    expect(events.at(-2).choices[0]).toMatchObject({ delta: {}, finish_reason: "stop" });
    expect(events.at(-1)).toMatchObject({ object: "chat.completion.chunk", choices: [] });
    expect(events.at(-1).usage).toEqual({ prompt_tokens: 4, completion_tokens: 4, total_tokens: 8 });
    expect(up.requests[0]).toMatchObject({ chunksSent: 4, aborted: false, cut: false, status: 200 });
  });

  it("streams without usage unless include_usage is set", async () => {
    const { events, done } = parseSse(
      await (await post("/v1/chat/completions", { model: "fake", stream: true, messages: user("x") })).text(),
    );
    expect(done).toBe(true);
    expect(events.some((e) => e.usage)).toBe(false);
  });

  it("streams a tool call and round-trips the tool result", async () => {
    const res = await post("/v1/chat/completions", {
      model: "fake:tool",
      stream: true,
      tools,
      messages: user("weather?"),
    });
    const { events, done } = parseSse(await res.text());
    expect(done).toBe(true);
    const calls = events.flatMap((e) => e.choices.flatMap((c: Json) => c.delta.tool_calls ?? []));
    expect(calls[0]).toMatchObject({
      index: 0,
      id: "call_1",
      type: "function",
      function: { name: "get_weather", arguments: "" },
    });
    expect(calls.map((c: Json) => c.function.arguments).join("")).toBe('{"city":"Paris"}');
    expect(events.find((e) => e.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe("tool_calls");

    const nonStream = await (
      await post("/v1/chat/completions", { model: "fake:tool", tools, messages: user("weather?") })
    ).json();
    expect(nonStream.choices[0]).toMatchObject({
      finish_reason: "tool_calls",
      message: {
        content: null,
        tool_calls: [{ id: "call_1", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
      },
    });

    const round = await post("/v1/chat/completions", {
      model: "fake:tool",
      tools,
      messages: [
        ...user("weather?"),
        { role: "assistant", content: null, tool_calls: nonStream.choices[0].message.tool_calls },
        { role: "tool", tool_call_id: "call_1", content: "18C sunny" },
      ],
    });
    const roundJson = await round.json();
    expect(roundJson.choices[0].message.content).toBe("tool result received: 18C sunny");
    expect(roundJson.choices[0].finish_reason).toBe("stop");
  });

  it("fails with fail=500 and with setBehavior failNext", async () => {
    const res = await post("/v1/chat/completions", { model: "fake:fail=500", messages: user("x") });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { message: "fake failure 500", type: "server_error", code: null } });

    up.setBehavior({ failNext: { status: 503, count: 2 } });
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await post("/v1/chat/completions", { model: "fake", messages: user("x") })).status);
    expect(statuses).toEqual([503, 503, 200]);

    up.setBehavior({ failNext: { status: 429, count: 1 } });
    up.setBehavior({});
    expect((await post("/v1/chat/completions", { model: "fake", messages: user("x") })).status).toBe(200);
  });

  it("cut=2 destroys the socket after two content chunks without [DONE]", async () => {
    const res = await post("/v1/chat/completions", { model: "fake:cut=2", stream: true, messages: user("x") });
    expect(res.status).toBe(200);
    const { text, error } = await readAll(res);
    expect(error).toBeDefined(); // chunked body ended without its terminator
    const { events, done } = parseSse(text);
    expect(done).toBe(false);
    expect(events.map((e) => e.choices[0].delta.content).join("")).toBe("tok0 tok1 ");
    await waitFor(() => up.requests[0].finishedAt !== undefined);
    expect(up.requests[0]).toMatchObject({ cut: true, aborted: false, chunksSent: 2 });
    expect(up.tokensServed()).toEqual({ prompt: 1, completion: 2 });
  });

  it("applies delay, headers-delay, ttft and idle timings", async () => {
    let t = Date.now();
    await (await post("/v1/chat/completions", { model: "fake:delay=150", messages: user("x") })).json();
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);

    t = Date.now();
    const res = await post("/v1/chat/completions", {
      model: "fake:ttft=600:idle=30:chunks=3",
      stream: true,
      messages: user("x"),
    });
    const headersAt = Date.now() - t;
    // Stream headers come before ttft (with room for a machine busy with another suite).
    expect(headersAt).toBeLessThan(450);
    await res.text();
    expect(Date.now() - t).toBeGreaterThanOrEqual(600 + 2 * 30 - 10);

    t = Date.now();
    const r2 = await post("/v1/chat/completions", {
      model: "fake:headers-delay=150",
      stream: true,
      messages: user("x"),
    });
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
    await r2.text();
  });

  it("records aborted when the client disconnects mid-stream and stops writing", async () => {
    const ac = new AbortController();
    const res = await post(
      "/v1/chat/completions",
      { model: "fake:chunks=50:idle=50", stream: true, messages: user("x") },
      { signal: ac.signal },
    );
    const reader = res.body!.getReader();
    await reader.read();
    ac.abort();
    await waitFor(() => up.requests[0].aborted);
    const sent = up.requests[0].chunksSent;
    await new Promise((r) => setTimeout(r, 200));
    expect(up.requests[0].chunksSent).toBe(sent); // timers cleared, nothing more written
    expect(sent).toBeLessThan(50);
  });

  it("checks the bearer token when started with apiKey", async () => {
    const secured = await startFakeUpstream({ apiKey: "sk-test" });
    try {
      const body = JSON.stringify({ model: "fake", messages: user("x") });
      const bad = await fetch(secured.url + "/v1/chat/completions", {
        method: "POST",
        body,
        headers: { authorization: "Bearer nope" },
      });
      expect(bad.status).toBe(401);
      expect((await bad.json()).error.code).toBe("invalid_api_key");
      const good = await fetch(secured.url + "/v1/chat/completions", {
        method: "POST",
        body,
        headers: { authorization: "Bearer sk-test" },
      });
      expect(good.status).toBe(200);
      expect(secured.requests[1].headers.authorization).toBe("Bearer sk-test");
    } finally {
      await secured.close();
    }
  });
});

describe("Ollama", () => {
  it("streams /api/chat as NDJSON with counts in the final line", async () => {
    const res = await post("/api/chat", { model: "llama3.2:latest:chunks=3", messages: user("why is the sky blue") });
    const lines = ndjson(await res.text());
    expect(lines).toHaveLength(4);
    expect(
      lines
        .slice(0, 3)
        .map((l) => l.message.content)
        .join(""),
    ).toBe("tok0 tok1 tok2 ");
    expect(lines[0]).toMatchObject({ model: "llama3.2:latest:chunks=3", done: false, message: { role: "assistant" } });
    expect(lines[3]).toMatchObject({
      done: true,
      done_reason: "stop",
      prompt_eval_count: 5,
      eval_count: 3,
      message: { content: "" },
    });
    expect(typeof lines[3].total_duration).toBe("number");
  });

  it("answers non-stream, nousage, tool calls and fail", async () => {
    const one = await (await post("/api/chat", { model: "llama3.2", stream: false, messages: user("hi") })).json();
    expect(one).toMatchObject({
      done: true,
      message: { content: "tok0 tok1 tok2 tok3 tok4 " },
      prompt_eval_count: 1,
      eval_count: 5,
    });

    const lines = ndjson(await (await post("/api/chat", { model: "llama3.2:nousage", messages: user("hi") })).text());
    expect(lines.at(-1).done).toBe(true);
    expect(lines.at(-1).eval_count).toBeUndefined();

    const tool = await (
      await post("/api/chat", { model: "llama3.2:tool", stream: false, tools, messages: user("weather") })
    ).json();
    expect(tool.message.tool_calls).toEqual([{ function: { name: "get_weather", arguments: { city: "Paris" } } }]);

    const failed = await post("/api/chat", { model: "llama3.2:fail=503", messages: user("hi") });
    expect(failed.status).toBe(503);
    expect(await failed.json()).toEqual({ error: "fake failure 503" });
  });

  it("reads sampling settings only inside options, as Ollama does", async () => {
    const ignored = ndjson(
      await (
        await post("/api/chat", { model: "llama3.2:chunks=8", max_tokens: 2, stop: ["tok1"], messages: user("hi") })
      ).text(),
    );
    expect(ignored.at(-1)).toMatchObject({ done_reason: "stop", eval_count: 8 });
    const capped = ndjson(
      await (
        await post("/api/chat", {
          model: "llama3.2:chunks=8",
          options: { num_predict: 3, seed: 7, temperature: 0 },
          messages: user("hi"),
        })
      ).text(),
    );
    expect(capped.at(-1)).toMatchObject({ done_reason: "length", eval_count: 3 });
    const stopped = await (
      await post("/api/chat", {
        model: "llama3.2:chunks=8",
        stream: false,
        options: { stop: ["tok2"] },
        messages: user("hi"),
      })
    ).json();
    expect(stopped.message.content).toBe("tok0 tok1 ");
    // a model that overruns its limit (the gateway's backstop is tested against this)
    const overrun = ndjson(
      await (
        await post("/api/chat", {
          model: "llama3.2:chunks=8:nolimit",
          options: { num_predict: 3 },
          messages: user("hi"),
        })
      ).text(),
    );
    expect(overrun.at(-1)).toMatchObject({ eval_count: 8 });
  });

  it("reports errors inside the stream, leaves prompt_eval_count out for a cached prompt, and lists loaded models", async () => {
    const failed = await post("/api/chat", {
      model: "llama3.2:chunks=5:streamfail=500:streamfail-at=2",
      messages: user("hi"),
    });
    expect(failed.status).toBe(200);
    const lines = ndjson(await failed.text());
    expect(lines.map((l) => l.message?.content ?? l.error)).toEqual([
      "tok0 ",
      "tok1 ",
      "an error was encountered while running the model: fake failure",
    ]);

    const cached = ndjson(
      await (await post("/api/chat", { model: "llama3.2:promptcached", messages: user("hi") })).text(),
    );
    expect(cached.at(-1).prompt_eval_count).toBeUndefined();
    expect(cached.at(-1).eval_count).toBe(5);

    const ps = await (await fetch(`${up.url}/api/ps`)).json();
    expect(ps.models.map((m: Json) => m.name)).toEqual(["llama3.2:latest"]);
    expect(ps.models[0]).toMatchObject({
      model: "llama3.2:latest",
      size_vram: expect.any(Number),
      details: { family: "llama" },
    });
    expect(Date.parse(ps.models[0].expires_at)).toBeGreaterThan(Date.now());
  });

  it("lists tags, pulls with progress, shows and deletes", async () => {
    const names = async () => (await (await fetch(up.url + "/api/tags")).json()).models.map((m: Json) => m.name);
    const first = (await (await fetch(up.url + "/api/tags")).json()).models[0];
    expect(first).toMatchObject({
      name: "llama3.2:latest",
      model: "llama3.2:latest",
      details: { family: "llama", parameter_size: "3B", quantization_level: "Q4_K_M" },
    });

    const pull = ndjson(await (await post("/api/pull", { model: "qwen2.5:0.5b" })).text());
    expect(pull[0]).toEqual({ status: "pulling manifest" });
    const progress = pull.filter((l) => l.total);
    expect(progress.length).toBeGreaterThanOrEqual(3);
    const completed = progress.map((l) => l.completed);
    expect(completed).toEqual([...completed].sort((a, b) => a - b));
    expect(completed.at(-1)).toBe(1_000_000);
    expect(progress[0].digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(pull.slice(-3).map((l) => l.status)).toEqual(["verifying sha256 digest", "writing manifest", "success"]);
    expect(await names()).toEqual(["llama3.2:latest", "qwen2.5:0.5b"]);

    const nonStream = await post("/api/pull", { name: "phi3", stream: false });
    expect(await nonStream.json()).toEqual({ status: "success" });
    expect(await names()).toContain("phi3:latest");

    // Ollama answers an unknown model's pull with 200, and the error inside the stream.
    const missing = await post("/api/pull", { model: "missing-model" });
    expect(missing.status).toBe(200);
    expect(ndjson(await missing.text())).toEqual([
      { status: "pulling manifest" },
      { error: "pull model manifest: file does not exist" },
    ]);
    const broken = ndjson(await (await post("/api/pull", { model: "broken-model" })).text());
    expect(broken.filter((l) => l.total).length).toBe(2);
    expect(broken.at(-1)).toEqual({ error: "max retries exceeded: unexpected EOF" });
    expect(await names()).not.toContain("broken-model:latest");

    const show = await post("/api/show", { model: "qwen2.5:0.5b" });
    expect(await show.json()).toMatchObject({
      details: { family: "llama" },
      model_info: { "llama.context_length": 131_072 },
      capabilities: ["completion", "tools"],
    });
    expect((await post("/api/show", { model: "nope" })).status).toBe(404);

    expect((await post("/api/delete", { model: "qwen2.5:0.5b" }, { method: "DELETE" })).status).toBe(200);
    expect(await names()).toEqual(["llama3.2:latest", "phi3:latest"]);
    const again = await post("/api/delete", { model: "qwen2.5:0.5b" }, { method: "DELETE" });
    expect(again.status).toBe(404);
    expect(await again.json()).toEqual({ error: "model 'qwen2.5:0.5b' not found" });
  });
});

describe("Bedrock Converse", () => {
  const bedrockBody = {
    system: [{ text: "be nice" }],
    messages: [{ role: "user", content: [{ text: "hello bedrock world" }] }],
    inferenceConfig: { maxTokens: 100, temperature: 0.5 },
  };
  const modelPath = (id: string, op: string) => `/model/${encodeURIComponent(id)}/${op}`;
  const post = (path: string, body: unknown) => bedrockPost(path, body);

  it("answers converse with usage and tool use", async () => {
    const res = await post(modelPath("fake:chunks=3", "converse"), bedrockBody);
    const json = await res.json();
    expect(json.output.message).toEqual({ role: "assistant", content: [{ text: "tok0 tok1 tok2 " }] });
    expect(json.stopReason).toBe("end_turn");
    expect(json.usage).toEqual({ inputTokens: 7, outputTokens: 3, totalTokens: 10 });
    expect(typeof json.metrics.latencyMs).toBe("number");
    expect(up.requests[0]).toMatchObject({ model: "fake:chunks=3", path: "/model/fake%3Achunks%3D3/converse" });
    expect(up.requests[0].headers.host).toBe(`127.0.0.1:${up.port}`);

    const tool = await (
      await post(modelPath("fake:tool", "converse"), {
        ...bedrockBody,
        toolConfig: { tools: [{ toolSpec: { name: "get_weather", inputSchema: { json: {} } } }] },
      })
    ).json();
    expect(tool.stopReason).toBe("tool_use");
    expect(tool.output.message.content).toEqual([
      { toolUse: { toolUseId: "tooluse_1", name: "get_weather", input: { city: "Paris" } } },
    ]);
  });

  it("streams converse-stream in the AWS event stream encoding", async () => {
    const res = await post(modelPath("fake:chunks=4", "converse-stream"), bedrockBody);
    expect(res.headers.get("content-type")).toBe("application/vnd.amazon.eventstream");
    const messages = decodeEventStream(new Uint8Array(await res.arrayBuffer()));
    for (const m of messages) {
      expect(m.headers[":message-type"]).toBe("event");
      expect(m.headers[":content-type"]).toBe("application/json");
    }
    const types = messages.map((m) => m.headers[":event-type"]);
    expect(types).toEqual([
      "messageStart",
      ...Array(4).fill("contentBlockDelta"),
      "contentBlockStop",
      "messageStop",
      "metadata",
    ]);
    expect(messages[0].json).toEqual({ role: "assistant" });
    expect(
      messages
        .slice(1, 5)
        .map((m) => m.json.delta.text)
        .join(""),
    ).toBe("tok0 tok1 tok2 tok3 ");
    expect(messages.at(-2)!.json).toEqual({ stopReason: "end_turn" });
    expect(messages.at(-1)!.json.usage).toEqual({ inputTokens: 7, outputTokens: 4, totalTokens: 11 });
  });

  it("decoder round-trips and rejects corrupted CRCs", () => {
    const frame = encodeEventStreamMessage(
      { ":event-type": "messageStop", ":message-type": "event" },
      { stopReason: "end_turn" },
    );
    const [msg] = decodeEventStream(Buffer.concat([frame]));
    expect(msg.headers).toEqual({ ":event-type": "messageStop", ":message-type": "event" });
    expect(msg.json).toEqual({ stopReason: "end_turn" });
    const badPayload = Buffer.from(frame);
    badPayload[badPayload.length - 6] ^= 0xff;
    expect(() => decodeEventStream(badPayload)).toThrow(/message CRC/);
    const badPrelude = Buffer.from(frame);
    badPrelude[9] ^= 0xff;
    expect(() => decodeEventStream(badPrelude)).toThrow(/prelude CRC/);
    expect(() => decodeEventStream(frame.subarray(0, frame.length - 1))).toThrow(/truncated/);
  });

  it("streams tool use, supports nousage, cut and errors", async () => {
    const toolMsgs = decodeEventStream(
      new Uint8Array(
        await (
          await post(modelPath("fake:tool", "converse-stream"), {
            ...bedrockBody,
            toolConfig: { tools: [{ toolSpec: { name: "get_weather" } }] },
          })
        ).arrayBuffer(),
      ),
    );
    expect(toolMsgs[1].json).toEqual({
      contentBlockIndex: 0,
      start: { toolUse: { toolUseId: "tooluse_1", name: "get_weather" } },
    });
    expect(
      toolMsgs
        .filter((m) => m.json?.delta?.toolUse)
        .map((m) => m.json.delta.toolUse.input)
        .join(""),
    ).toBe('{"city":"Paris"}');
    expect(toolMsgs.find((m) => m.headers[":event-type"] === "messageStop")!.json.stopReason).toBe("tool_use");

    const noUsage = decodeEventStream(
      new Uint8Array(await (await post(modelPath("fake:nousage", "converse-stream"), bedrockBody)).arrayBuffer()),
    );
    expect(noUsage.map((m) => m.headers[":event-type"])).not.toContain("metadata");

    const cut = await post(modelPath("fake:cut=2", "converse-stream"), bedrockBody);
    const chunks: Uint8Array[] = [];
    const reader = cut.body!.getReader();
    let failed = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
      }
    } catch {
      failed = true;
    }
    expect(failed).toBe(true);
    const got = decodeEventStream(Buffer.concat(chunks)).map((m) => m.headers[":event-type"]);
    expect(got).toEqual(["messageStart", "contentBlockDelta", "contentBlockDelta"]);

    const throttled = await post(modelPath("fake:fail=429", "converse"), bedrockBody);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("x-amzn-errortype")).toBe(
      "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/",
    );
    expect(await throttled.json()).toEqual({ message: "fake failure" });
    const internal = await post(modelPath("fake:fail=500", "converse-stream"), bedrockBody);
    expect(internal.status).toBe(500);
    expect(internal.headers.get("x-amzn-errortype")).toMatch(/^InternalServerException:/);
  });

  it("sends exception frames inside a started stream", async () => {
    const res = await post(modelPath("fake:chunks=4:streamfail=429:streamfail-at=2", "converse-stream"), bedrockBody);
    expect(res.status).toBe(200);
    const messages = decodeEventStream(new Uint8Array(await res.arrayBuffer()));
    expect(messages.map((m) => m.headers[":event-type"] ?? m.headers[":exception-type"])).toEqual([
      "messageStart",
      "contentBlockDelta",
      "contentBlockDelta",
      "throttlingException",
    ]);
    expect(messages.at(-1)!.headers[":message-type"]).toBe("exception");
    expect(messages.at(-1)!.json).toEqual({ message: "Too many tokens, please wait before trying again." });
    const stream = decodeEventStream(
      new Uint8Array(
        await (await post(modelPath("fake:streamfail=424", "converse-stream"), bedrockBody)).arrayBuffer(),
      ),
    );
    expect(stream.at(-1)!.headers[":exception-type"]).toBe("modelStreamErrorException");
    expect(stream.at(-1)!.json).toMatchObject({ originalStatusCode: 400 });
  });

  it("checks SigV4 as AWS does: region of the endpoint, key, session token, signature", async () => {
    const ok = await bedrockPost(modelPath("fake", "converse"), bedrockBody, { region: "eu-west-1" });
    expect(ok.status).toBe(200);
    expect(up.requests.at(-1)).toMatchObject({
      region: "eu-west-1",
      aws: { accessKeyId: "AKIDTEST", region: "eu-west-1", service: "bedrock", sessionToken: null },
    });

    const expectRefused = async (res: Response, status: number, type: string, message: RegExp) => {
      expect(res.status).toBe(status);
      expect(res.headers.get("x-amzn-errortype")).toBe(
        `${type}:http://internal.amazon.com/coral/com.amazon.coral.service/`,
      );
      expect((await res.json()).message).toMatch(message);
    };
    // one host, signed for another region
    await expectRefused(
      await bedrockPost(modelPath("fake", "converse"), bedrockBody, { region: "eu-west-1", scopeRegion: "us-east-1" }),
      403,
      "InvalidSignatureException",
      /scoped to a valid region, not 'us-east-1'/,
    );
    await expectRefused(
      await bedrockPost(modelPath("fake", "converse"), bedrockBody, { scopeRegion: "eu-west-1" }),
      403,
      "InvalidSignatureException",
      /not 'eu-west-1'/,
    );
    // wrong secret, unknown key
    await expectRefused(
      await bedrockPost(modelPath("fake", "converse"), bedrockBody, {
        key: { accessKeyId: "AKIDTEST", secretAccessKey: "wrong" },
      }),
      403,
      "InvalidSignatureException",
      /signature we calculated does not match/,
    );
    await expectRefused(
      await bedrockPost(modelPath("fake", "converse"), bedrockBody, {
        key: { accessKeyId: "AKIDNOPE", secretAccessKey: "x" },
      }),
      403,
      "UnrecognizedClientException",
      /security token included in the request is invalid/,
    );
    // temporary keys: with the token they pass, without it (or with another) they do not
    const temp = { accessKeyId: "ASIATEMP", secretAccessKey: "temp-secret", sessionToken: "session-token-1" };
    up.addAwsCredentials([temp]);
    expect((await bedrockPost(modelPath("fake", "converse"), bedrockBody, { key: temp })).status).toBe(200);
    expect(up.requests.at(-1)!.aws!.sessionToken).toBe("session-token-1");
    await expectRefused(
      await bedrockPost(modelPath("fake", "converse"), bedrockBody, { key: temp, dropToken: true }),
      403,
      "UnrecognizedClientException",
      /security token/,
    );
    await expectRefused(
      await bedrockPost(modelPath("fake", "converse"), bedrockBody, { key: { ...temp, sessionToken: undefined } }),
      403,
      "UnrecognizedClientException",
      /security token/,
    );
    await expectRefused(
      await fetch(`${up.url}${modelPath("fake", "converse")}`, { method: "POST", body: "{}" }),
      403,
      "MissingAuthenticationTokenException",
      /Missing Authentication Token/,
    );

    // the control plane (ListFoundationModels), signed for GET with a query string
    const list = await new AwsV4Signer({
      url: `${up.url}/eu-west-1/foundation-models?byOutputModality=TEXT`,
      method: "GET",
      service: "bedrock",
      region: "eu-west-1",
      accessKeyId: "AKIDTEST",
      secretAccessKey: "bedrock-secret",
    }).sign();
    const listed = await fetch(list.url, { headers: list.headers });
    expect(listed.status).toBe(200);
    const summaries = (await listed.json()).modelSummaries;
    expect(summaries.map((m: Json) => m.modelId)).toContain("fake");
    expect(summaries[0]).toMatchObject({
      modelArn: expect.stringMatching(/^arn:aws:bedrock:eu-west-1::foundation-model\//),
      inferenceTypesSupported: ["ON_DEMAND"],
    });
  });

  it("refuses what real Bedrock refuses: a profile outside its geography, a model not offered in a region, a blank text block", async () => {
    expect((await bedrockPost(modelPath("us.fake", "converse"), bedrockBody, { region: "us-west-2" })).status).toBe(
      200,
    );
    const outside = await bedrockPost(modelPath("us.fake", "converse"), bedrockBody, { region: "eu-west-1" });
    expect(outside.status).toBe(400);
    expect(outside.headers.get("x-amzn-errortype")).toBe(
      "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/",
    );
    expect(await outside.json()).toEqual({ message: "The provided model identifier is invalid." });
    expect((await bedrockPost(modelPath("eu.fake", "converse"), bedrockBody, { region: "eu-central-1" })).status).toBe(
      200,
    );

    up.setBehavior({ bedrockModelAccess: { "us-east-1": "denied", "eu-west-1": "invalid" } });
    const denied = await bedrockPost(modelPath("fake", "converse"), bedrockBody);
    expect(denied.status).toBe(403);
    expect(denied.headers.get("x-amzn-errortype")).toMatch(/^AccessDeniedException:/);
    expect((await bedrockPost(modelPath("fake", "converse"), bedrockBody, { region: "eu-west-1" })).status).toBe(400);
    expect((await bedrockPost(modelPath("fake", "converse"), bedrockBody, { region: "us-west-2" })).status).toBe(200);
    up.setBehavior({});

    const blank = await bedrockPost(modelPath("fake", "converse"), {
      messages: [{ role: "user", content: [{ text: "" }] }],
    });
    expect(blank.status).toBe(400);
    expect((await blank.json()).message).toBe(
      "The text field in the ContentBlock object at messages.0.content.0 is blank. Add text to the text field, and try again.",
    );
  });
});

describe("token accounting", () => {
  it("tokensServed sums what was actually sent across formats", async () => {
    // prompt 1 (3 chars), completion 5 (usage reported)
    await (await post("/v1/chat/completions", { model: "fake", messages: user("a b") })).json();
    // prompt 1, completion 3 (stream, usage not requested)
    await (await post("/v1/chat/completions", { model: "fake:chunks=3", stream: true, messages: user("a") })).text();
    // prompt 2 (5 chars), completion 2 of 10 (cut)
    await readAll(
      await post("/v1/chat/completions", { model: "fake:chunks=10:cut=2", stream: true, messages: user("a b c") }),
    );
    // prompt 1, completion 4 (ollama)
    await (await post("/api/chat", { model: "llama3.2:chunks=4", messages: user("x") })).text();
    // prompt 1, completion 5 (bedrock stream)
    await (
      await bedrockPost("/model/fake/converse-stream", { messages: [{ role: "user", content: [{ text: "y z" }] }] })
    ).arrayBuffer();
    // failures serve nothing
    await (await post("/v1/chat/completions", { model: "fake:fail=500", messages: user("a b") })).json();

    await waitFor(() => up.requests.every((r) => r.finishedAt !== undefined));
    expect(up.tokensServed()).toEqual({ prompt: 1 + 1 + 2 + 1 + 1, completion: 5 + 3 + 2 + 4 + 5 });
    expect(up.tokensReported()).toEqual({ prompt: 1 + 1 + 1, completion: 5 + 4 + 5 });
    expect(up.requests.map((r) => r.usage.completion)).toEqual([5, 3, 2, 4, 5, 0]);
  });
});

// The fake upstream's Responses API (POST /v1/responses) answers like OpenAI's: a response object
// with usage, or the typed event sequence ending in response.completed with usage — with the same
// replies and token counts as chat completions, the API key checked, and fail, cut, garble and
// streamfail directives; it stores nothing, so a previous_response_id is OpenAI's 404.

import { afterAll, describe, expect, it } from "vitest";
import { startFakeUpstream } from "./server.mjs";

const up = await startFakeUpstream({ apiKey: "sk-fake" });
afterAll(() => up.close());

const post = (path: string, body: unknown, key = "sk-fake") =>
  fetch(`${up.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });

/** The `data:` payloads of an SSE body, parsed (a malformed one as the string it was). */
const events = (text: string) =>
  text
    .split("\n\n")
    .filter(Boolean)
    .map((e) => e.slice(e.indexOf("data: ") + 6))
    .map((d) => {
      try {
        return JSON.parse(d) as { type: string; [k: string]: unknown };
      } catch {
        return d;
      }
    });

describe("fake Responses API", () => {
  it("a JSON response with usage, counted as the same chat completion is", async () => {
    const body = { model: "fake-model", instructions: "Be brief.", input: "echo: one two three" };
    const res = await post("/v1/responses", body);
    const json = (await res.json()) as {
      object: string;
      status: string;
      model: string;
      output: unknown[];
      usage: object;
    };
    expect(json).toMatchObject({ object: "response", status: "completed", model: "fake-model" });
    expect(json.output).toEqual([
      expect.objectContaining({
        type: "message",
        content: [{ type: "output_text", text: "one two three", annotations: [] }],
      }),
    ]);
    const chat = (await (
      await post("/v1/chat/completions", {
        model: "fake-model",
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "echo: one two three" },
        ],
      })
    ).json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    expect(json.usage).toMatchObject({
      input_tokens: chat.usage.prompt_tokens,
      output_tokens: 3,
      total_tokens: chat.usage.prompt_tokens + 3,
    });
    expect((await post("/v1/responses", body, "wrong")).status).toBe(401);
  });

  it("streams the typed events with sequence numbers, ending in response.completed with usage", async () => {
    const text = await (
      await post("/v1/responses", { model: "fake-model:chunks=3", input: "hi", stream: true })
    ).text();
    const list = events(text) as Array<{ type: string; sequence_number: number; [k: string]: unknown }>;
    expect(list.map((e) => e.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(list.map((e) => e.sequence_number)).toEqual(list.map((_, i) => i));
    expect(list.at(-1)!.response).toMatchObject({ status: "completed", usage: { output_tokens: 3 } });
    expect(up.requests.at(-1)!.reportedUsage).toEqual({ prompt: 1, completion: 3 });
  });

  it("a tool call streams its arguments; a function_call_output is answered", async () => {
    const tools = [{ type: "function", name: "get_weather", parameters: {} }];
    const text = await (
      await post("/v1/responses", { model: "fake-model:tool", input: "w?", tools, stream: true })
    ).text();
    const list = events(text) as Array<{ type: string; delta?: string }>;
    const args = list.filter((e) => e.type === "response.function_call_arguments.delta").map((e) => e.delta);
    expect(JSON.parse(args.join(""))).toEqual({ city: "Paris" });
    const answer = (await (
      await post("/v1/responses", {
        model: "fake-model",
        input: [
          { type: "function_call", call_id: "call_1", name: "get_weather", arguments: "{}" },
          { type: "function_call_output", call_id: "call_1", output: "sunny" },
        ],
      })
    ).json()) as { output: Array<{ content: Array<{ text: string }> }> };
    expect(answer.output[0].content[0].text).toBe("tool result received: sunny");
  });

  it("fail, cut, garble and streamfail; a previous_response_id is not found", async () => {
    const failed = await post("/v1/responses", { model: "fake-model:fail=429", input: "x" });
    expect(failed.status).toBe(429);
    expect(await failed.json()).toMatchObject({ error: { message: "fake failure 429" } });

    const cut = await (await post("/v1/responses", { model: "fake-model:chunks=9:cut=2", input: "x", stream: true }))
      .text()
      .catch(() => "cut");
    expect(cut.includes("response.completed")).toBe(false);
    expect(up.requests.at(-1)).toMatchObject({ cut: true, chunksSent: 2 });

    const garbled = events(
      await (await post("/v1/responses", { model: "fake-model:garble=1", input: "x", stream: true })).text(),
    );
    expect(garbled).toContain("{malformed");

    const streamFail = events(
      await (
        await post("/v1/responses", { model: "fake-model:streamfail=500:streamfail-at=1", input: "x", stream: true })
      ).text(),
    ) as Array<{ type: string; message?: string }>;
    expect(streamFail.at(-1)).toMatchObject({ type: "error", message: "fake stream failure 500" });

    const chained = await post("/v1/responses", { model: "fake-model", input: "x", previous_response_id: "resp_1" });
    expect(chained.status).toBe(404);
    expect(await chained.json()).toMatchObject({ error: { param: "previous_response_id" } });
  });
});

// Streams held open against the fake upstream (a model whose first token comes at once and the rest
// a minute later), for the tests of many open streams: each is read to its first token, then left.

import { expect } from "vitest";
import { getDb } from "@/lib/db/client";
import { postCompletion } from "./money";

/** An open stream: `leave()` hangs up; `rest()` reads what is left of it to its end. */
export type HeldStream = { requestId: string; leave: () => Promise<void>; rest: () => Promise<string> };

/** Stream `i` of `model` (its prompt "stream i", its record `${prefix}-${i}`), read until its first content chunk. */
export async function openUntilFirstToken(key: string, model: string, prefix: string, i: number): Promise<HeldStream> {
  const controller = new AbortController();
  const requestId = `${prefix}-${i}`;
  const res = await postCompletion(
    key,
    { model, messages: [{ role: "user", content: `stream ${i}` }], stream: true, max_tokens: 10 },
    { signal: controller.signal, requestId },
  );
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!text.includes('"content":"tok0 "')) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ${i} ended before its first token`);
    text += decoder.decode(value, { stream: true });
  }
  return {
    requestId,
    leave: async () => {
      controller.abort();
      await reader.cancel().catch(() => {});
    },
    rest: async () => {
      let rest = "";
      for (let r = await reader.read(); !r.done; r = await reader.read())
        rest += decoder.decode(r.value, { stream: true });
      return rest;
    },
  };
}

/**
 * Each stream that left after its first chunk is recorded ABORTED at the price of its prompt (by the
 * rule the fake counts by, one token per 4 characters) and the one token it received, at input 1 and
 * output 2. Returns what they were charged together.
 */
export async function expectEachBilledItsChunk(streams: HeldStream[], prefix: string): Promise<bigint> {
  const db = await getDb();
  const records = await db.request.findMany({ where: { id: { in: streams.map((s) => s.requestId) } } });
  expect(records).toHaveLength(streams.length);
  for (const r of records) {
    const prompt = Math.ceil(`stream ${r.id.slice(`${prefix}-`.length)}`.length / 4);
    expect(r).toMatchObject({ status: "ABORTED", promptTokens: prompt, completionTokens: 1, usageEstimated: true });
    expect(r.cost).toBe(BigInt(prompt * 1 + 1 * 2));
  }
  return records.reduce((sum, r) => sum + r.cost, 0n);
}

// Shared by the chat tests: a signed-in user with a balance, and reading the chat route's stream.

import * as chatRoute from "@/app/api/chat/route";
import { flushRecords } from "@/lib/billing/recorder";
import { getDb } from "@/lib/db/client";
import { call, cookieFor } from "../helpers/app";
import { userWithKey } from "../helpers/gateway";

export type ChunkEvent = { type: string; delta?: string; errorText?: string; messageId?: string; [k: string]: unknown };

/** A user with a session cookie (and an API key, for the tests that need one). */
export async function chatUser(opts: { balance?: bigint | null; rpm?: number | null } = {}) {
  const { user, key } = await userWithKey({ userLimits: { balance: opts.balance ?? null, rpm: opts.rpm ?? null } });
  return { user, key, cookie: await cookieFor(user.email) };
}

export function userMessage(text: string, id = `m${Math.random().toString(36).slice(2, 12)}`) {
  return { id, role: "user" as const, parts: [{ type: "text" as const, text }] };
}

export async function postChat(cookie: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return call(chatRoute.POST, { cookie, body, signal });
}

/** Reads a UI message stream to its end. */
export async function readEvents(res: Response): Promise<ChunkEvent[]> {
  const text = await res.text();
  return parseEvents(text);
}

export function parseEvents(text: string): ChunkEvent[] {
  return text
    .split("\n\n")
    .map((block) => block.trim())
    .filter((b) => b.startsWith("data: ") && b !== "data: [DONE]")
    .map((b) => JSON.parse(b.slice(6)) as ChunkEvent);
}

export function answerText(events: ChunkEvent[]): string {
  return events
    .filter((e) => e.type === "text-delta")
    .map((e) => e.delta)
    .join("");
}

/** Settlement and message saving happen after the stream; wait for both. */
export async function settled<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await flushRecords();
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting for the chat turn to settle");
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function db() {
  return getDb();
}

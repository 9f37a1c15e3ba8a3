import "server-only";
import type { Agent } from "undici";
import { config } from "@/lib/config";
import { logger } from "@/lib/logging/logger";
import { outboundAgent, outboundFetch } from "@/lib/net/fetch";
import { OutboundRefused } from "@/lib/net/policy";
import { UpstreamError } from "./types";

// One pooled keep-alive agent for every upstream; the connect timeout is ours, the rest of the
// timing (first token, idle between chunks) is enforced by the gateway while it reads. It connects
// only to addresses the outbound policy allows (lib/net), checked again at every connection.
const globalForHttp = globalThis as unknown as { tollgateAgent?: Agent };

function agent(): Agent {
  globalForHttp.tollgateAgent ??= outboundAgent({
    connect: { timeout: config().UPSTREAM_CONNECT_TIMEOUT_MS },
    keepAliveTimeout: 30_000,
    connections: 256,
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  return globalForHttp.tollgateAgent;
}

export async function upstreamFetch(url: string, init: { method?: string; headers?: Record<string, string>; body?: string; signal: AbortSignal }) {
  try {
    return await outboundFetch(url, { ...init, dispatcher: agent() });
  } catch (err) {
    if (init.signal.aborted) throw init.signal.reason ?? err;
    const refused = refusedUpstreamError(err);
    if (refused) throw refused;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const timeout = cause?.code === "UND_ERR_CONNECT_TIMEOUT";
    throw new UpstreamError(
      timeout ? "Upstream connect timeout" : `Upstream unreachable (${cause?.code ?? cause?.message ?? "network error"})`,
      timeout ? 504 : 502,
      true,
      timeout ? "timeout" : "network",
    );
  }
}

/** A refusal by the outbound policy, anywhere in the error's causes, as a non-retryable UpstreamError. */
export function refusedUpstreamError(err: unknown): UpstreamError | null {
  for (let e = err, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    if (!(e instanceof OutboundRefused)) continue;
    // The detail names internal addresses: it goes to the log, not to API clients.
    logger.warn({ reason: e.message }, "outbound request refused");
    return new UpstreamError("Upstream address refused by the outbound address policy (OUTBOUND_ALLOW); see the server log", 502, false, "network");
  }
  return null;
}

/** fetch for the AI SDK providers (Bedrock, Ollama): the same checked, pooled connections. */
export const providerFetch = ((input: string | URL, init?: RequestInit) =>
  outboundFetch(input, { ...(init as Parameters<typeof outboundFetch>[1]), dispatcher: agent() })) as unknown as typeof globalThis.fetch;

/** Reads an error body from an upstream without ever echoing more than a short message. */
export async function upstreamErrorFrom(res: { status: number; text(): Promise<string> }, provider: string): Promise<UpstreamError> {
  const text = await res.text().catch(() => "");
  let message = "";
  try {
    const json = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
    message = typeof json.error === "string" ? json.error : (json.error?.message ?? json.message ?? "");
  } catch {
    message = text.slice(0, 200);
  }
  const retryable = res.status === 429 || res.status >= 500;
  return new UpstreamError(`Upstream ${provider} answered ${res.status}${message ? `: ${message.slice(0, 300)}` : ""}`, res.status, retryable);
}

/** Splits an SSE byte stream into the `data:` payloads of its events. */
export async function* readSseData(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    let sep: number;
    while ((sep = nextBoundary(buffer)) >= 0) {
      const event = buffer.slice(0, sep);
      buffer = buffer.slice(sep).replace(/^(\r?\n){2}/, "");
      const data = dataOf(event);
      if (data !== null) yield data;
    }
  }
  const data = dataOf(buffer);
  if (data !== null && data.trim()) yield data;
}

function nextBoundary(buffer: string): number {
  const a = buffer.indexOf("\n\n");
  const b = buffer.indexOf("\r\n\r\n");
  if (a < 0) return b;
  if (b < 0) return a;
  return Math.min(a, b);
}

function dataOf(event: string): string | null {
  const lines = event.split(/\r?\n/).filter((l) => l.startsWith("data:"));
  if (lines.length === 0) return null;
  return lines.map((l) => l.slice(5).replace(/^ /, "")).join("\n");
}

/** Splits an NDJSON byte stream into parsed lines. */
export async function* readNdjson(body: AsyncIterable<Uint8Array>): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line) yield JSON.parse(line);
    }
  }
  if (buffer.trim()) yield JSON.parse(buffer);
}

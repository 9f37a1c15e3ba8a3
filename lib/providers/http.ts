import "server-only";
import { Agent, fetch as undiciFetch } from "undici";
import { config } from "@/lib/config";
import { UpstreamError } from "./types";

// One pooled keep-alive agent for every upstream; the connect timeout is ours, the rest of the
// timing (first token, idle between chunks) is enforced by the gateway while it reads.
const globalForHttp = globalThis as unknown as { tollgateAgent?: Agent };

function agent(): Agent {
  globalForHttp.tollgateAgent ??= new Agent({
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
    return await undiciFetch(url, { ...init, dispatcher: agent(), redirect: "error" });
  } catch (err) {
    if (init.signal.aborted) throw init.signal.reason ?? err;
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

import type { IncomingHttpHeaders, Server } from "node:http";
import type { Http2SecureServer } from "node:http2";

export interface TokenTotals {
  prompt: number;
  completion: number;
}

export interface RecordedRequest {
  /** "req_1", "req_2", ... also sent back as the `x-fake-request-id` response header. */
  id: string;
  method: string;
  /** URL pathname as received (not decoded), e.g. "/model/fake%3Acut%3D3/converse-stream". */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or null when empty / not JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary JSON, read freely in tests
  body: any;
  rawBody: string;
  /** Date.now() when the request body had been read. */
  receivedAt: number;
  /** Which connection it came on: 1 for the fake's first socket, 2 for the next, … (HTTP/2 streams share one). */
  connection: number;
  /** Model id for inference requests (Bedrock: URL-decoded modelId), directives included. */
  model?: string;
  /** HTTP status sent, once headers were written. */
  status?: number;
  streamed: boolean;
  /** The client disconnected before the response finished. */
  aborted: boolean;
  /** The server cut the stream on purpose (`cut=N`). */
  cut: boolean;
  /** Content chunks written (words, or tool-call pieces). Non-stream: words in the body. */
  chunksSent: number;
  /** Tokens actually served for this request (see tokensServed()). */
  usage: TokenTotals;
  /** Usage sent to the client in the response, if any. */
  reportedUsage?: TokenTotals;
  finishedAt?: number;
  /** Bedrock: the region whose endpoint was called (path `/{region}/model/...`, else the start option). */
  region?: string;
  /** Bedrock: what the SigV4 Authorization header named, once it parsed. */
  aws?: { accessKeyId: string; region: string; service: string; sessionToken: string | null };
}

export interface AwsKey {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary keys: requests must carry (and sign) this X-Amz-Security-Token. */
  sessionToken?: string;
}

export interface FakeBehavior {
  /** The next `count` (default 1) inference requests fail with `status`, whatever the model. */
  failNext?: { status: number; count?: number };
  /** Defaults for the model-name directives (a directive in the model name wins). */
  delayMs?: number;
  headersDelayMs?: number;
  ttftMs?: number;
  idleMs?: number;
  chunks?: number;
  cut?: number;
  nousage?: boolean;
  tool?: boolean;
  /** Delay between Ollama /api/pull progress lines (default: start option, else 50 ms). */
  pullStepDelayMs?: number;
  /** Bedrock, per region: "invalid" (400 ValidationException, model not offered) or "denied" (403 AccessDeniedException). */
  bedrockModelAccess?: Record<string, "invalid" | "denied">;
}

export interface StartFakeUpstreamOptions {
  port?: number;
  host?: string;
  /** When set, OpenAI routes require `Authorization: Bearer <apiKey>` (401 otherwise). */
  apiKey?: string;
  pullStepDelayMs?: number;
  /** Bedrock: the region of paths without a `/{region}` prefix (default us-east-1). */
  region?: string;
  /** Bedrock: keys accepted besides AKIDTEST/bedrock-secret. */
  awsCredentials?: AwsKey[];
  /** Serve https:// with this certificate: HTTP/2 to a client that offers it, else HTTP/1.1 (see tls.mjs). */
  tls?: { key: string; cert: string };
  /** With `tls`: the HTTP/2 settings it announces (say `{ maxConcurrentStreams: 10 }`). */
  http2Settings?: import("node:http2").Settings;
}

export interface FakeUpstream {
  url: string;
  port: number;
  /** node:http's server, or node:http2's secure server when started with `tls`. */
  server: Server | Http2SecureServer;
  /** Every request received, in order. The array is mutated in place (reset() empties it). */
  requests: RecordedRequest[];
  /** Replace the global behaviour; setBehavior({}) clears it. */
  setBehavior(b: FakeBehavior): void;
  /** Clear requests, behaviour, token totals and the Ollama model list. */
  reset(): void;
  /**
   * Tokens actually served: prompt tokens of every 2xx inference response that started,
   * completion tokens of every content chunk actually written (whether or not usage was reported).
   */
  tokensServed(): TokenTotals;
  /** Tokens reported to clients in usage blocks only. */
  tokensReported(): TokenTotals;
  /** Current Ollama model names (as in /api/tags). */
  ollamaModels(): string[];
  /** Bedrock: accept these keys too (until reset()). */
  addAwsCredentials(keys: AwsKey[]): void;
  close(): Promise<void>;
}

export function startFakeUpstream(options?: StartFakeUpstreamOptions): Promise<FakeUpstream>;

export type EventStreamHeaderValue = string | number | boolean | bigint | Date | Buffer;

export interface EventStreamMessage {
  headers: Record<string, EventStreamHeaderValue>;
  payload: Buffer;
  /** The payload parsed as JSON, when it is JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary JSON, read freely in tests
  json?: any;
}

/** Decode AWS event-stream frames; throws on a CRC mismatch or truncated frame. */
export function decodeEventStream(buffer: Uint8Array | ArrayBuffer): EventStreamMessage[];
export function encodeEventStreamMessage(
  headers: Record<string, string>,
  payload: Uint8Array | string | object,
): Buffer;
export function crc32(bytes: Uint8Array): number;

export interface ModelDirectives {
  base: string;
  delay?: number;
  fail?: number;
  cut?: number;
  ttft?: number;
  headersDelay?: number;
  idle?: number;
  chunks?: number;
  nousage?: boolean;
  zeroUsage?: boolean;
  tool?: boolean;
  streamFail?: number;
  streamFailAt?: number;
  promptCached?: boolean;
  noLimit?: boolean;
}
export function parseModelDirectives(model: string): ModelDirectives;
export const DIRECTIVE_NAMES: string[];

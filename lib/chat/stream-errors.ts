import "server-only";
import { APICallError } from "ai";
import { logger } from "@/lib/logging/logger";
import { type ChatErrorInfo, encodeChatError, humanChatError, isEncodedChatError } from "./chat-error";

type OpenAiErrorBody = {
  error?: {
    message?: string;
    type?: string;
    code?: string | number | null;
    limit?: string;
    level?: string;
    resets_at?: string;
  };
};

function fromOpenAiError(
  status: number,
  body: OpenAiErrorBody["error"],
  retryAfter: string | undefined,
): ChatErrorInfo {
  const seconds = Number(retryAfter);
  const resetsAt =
    body?.resets_at ??
    (status === 429 && seconds > 0 ? new Date(Date.now() + seconds * 1000).toISOString() : undefined);
  return {
    status,
    code: String(body?.code ?? body?.type ?? "error"),
    message: body?.message ?? "The request failed",
    ...(body?.limit ? { limit: body.limit } : {}),
    ...(body?.level ? { level: body.level } : {}),
    ...(resetsAt ? { resetsAt } : {}),
  };
}

/**
 * The error text the chat stream carries to the page: which limit, at which level, when it resets,
 * in words people understand. Upstream and server failures read as "the model is not answering";
 * what actually failed, and the request id to look it up, go to administrators only.
 */
export function chatStreamErrorText(error: unknown, requestId: string, viewer: { admin: boolean }): string {
  // The UI stream hands an error text it already carried back here once more, wrapped in an Error.
  if (error instanceof Error && isEncodedChatError(error.message)) return error.message;
  const info = describeError(error, requestId);
  const message = humanChatError(info.status, info.code, info.message);
  const forAdmin = viewer.admin ? { requestId, ...(message !== info.message ? { detail: info.message } : {}) } : {};
  return encodeChatError({ ...info, message, ...forAdmin });
}

function describeError(error: unknown, requestId: string): ChatErrorInfo {
  if (APICallError.isInstance(error)) {
    let body: OpenAiErrorBody = {};
    try {
      body = JSON.parse(error.responseBody ?? "{}") as OpenAiErrorBody;
    } catch {
      // not JSON: fall back to the message
    }
    return fromOpenAiError(
      error.statusCode ?? 502,
      body.error ?? { message: error.message },
      error.responseHeaders?.["retry-after"],
    );
  }
  // An error event in the middle of the stream ({ message, type, code } from the gateway).
  if (
    error &&
    typeof error === "object" &&
    typeof (error as { message?: unknown }).message === "string" &&
    "type" in error
  ) {
    const e = error as NonNullable<OpenAiErrorBody["error"]>;
    return fromOpenAiError(e.code === "upstream_timeout" ? 504 : 502, e, undefined);
  }
  logger.error(
    { requestId, err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) },
    "chat stream failed",
  );
  return {
    status: 500,
    code: "internal_error",
    message: `The answer failed (request id ${requestId}): ${error instanceof Error ? error.message : String(error)}`,
  };
}

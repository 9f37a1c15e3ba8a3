import "server-only";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { toErrorResponse } from "@/lib/api/handler";
import { AppError } from "@/lib/errors";
import { type GatewayInput, runChatCompletion } from "@/lib/gateway/pipeline";

/**
 * An AI SDK chat model whose "HTTP" calls are handed in-process to the gateway pipeline, so a chat
 * page request passes the same limits, reservation, charging and records as one on /v1.
 * Pipeline errors come back as OpenAI-shaped error responses (402, 429 with limit details, …).
 */
export function gatewayChatModel(input: {
  modelId: string;
  principal: GatewayInput["principal"];
  sessionId: string;
  requestId: string;
}) {
  const fetchThroughPipeline = async (_url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    try {
      if (typeof init?.body !== "string") throw new AppError("bad_request", "The chat model sent no JSON body");
      return await runChatCompletion({
        principal: input.principal,
        body: JSON.parse(init.body),
        requestId: input.requestId,
        signal: init.signal ?? new AbortController().signal,
        sessionId: input.sessionId,
      });
    } catch (err) {
      return toErrorResponse(err, input.requestId, "openai");
    }
  };
  const provider = createOpenAICompatible({
    name: "tollgate",
    baseURL: "http://tollgate.internal/v1",
    fetch: fetchThroughPipeline,
    includeUsage: true,
  });
  return provider.chatModel(input.modelId);
}

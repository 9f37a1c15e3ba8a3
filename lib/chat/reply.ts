import "server-only";
import { randomUUID } from "node:crypto";
import {
  consumeStream,
  convertToModelMessages,
  createUIMessageStreamResponse,
  streamText,
  type ToolSet,
  toUIMessageStream,
} from "ai";
import { logger } from "@/lib/logging/logger";
import { resolveModelOrThrow } from "@/lib/providers/catalog";
import { inBackground } from "@/lib/shutdown";
import type { ChatRequest } from "@/lib/validations/chat";
import { checkImageAttachmentsOrThrow } from "./attachments";
import { answerDetails } from "./details";
import { documentTextsFor } from "./files";
import { gatewayChatModel } from "./gateway-model";
import { saveAssistantMessage, saveUserTurn } from "./messages";
import { type ChatUser, chatPrincipal } from "./principal";
import { chatStreamErrorText } from "./stream-errors";
import { improveTitle } from "./title";
import { type ChatUIMessage, messageText, SESSION_ID_HEADER, toChatUIMessage } from "./ui-message";

/** Models without image input get the conversation without its images. */
function withoutImages(messages: ChatUIMessage[]): ChatUIMessage[] {
  return messages
    .map((m) => ({ ...m, parts: m.parts.filter((p) => p.type !== "file" || !p.mediaType.startsWith("image/")) }))
    .filter((m) => m.parts.length > 0);
}

/** Attached documents reach the model as their text (read once, when they were sent). */
function withDocumentsAsText(
  messages: ChatUIMessage[],
  texts: Map<string, { name: string; text: string }>,
): ChatUIMessage[] {
  return messages.map((m) => ({
    ...m,
    parts: m.parts.flatMap((p) => {
      if (p.type !== "file" || p.mediaType.startsWith("image/")) return [p];
      const doc = texts.get(p.url);
      return doc ? [{ type: "text" as const, text: `Attached file "${doc.name}":\n\n${doc.text}` }] : [];
    }),
  }));
}

/**
 * One chat turn: save the user's message (creating the conversation on the first one), stream the
 * answer through the gateway pipeline, and save the answer when it ends — partial when stopped.
 * The first complete answer of a new conversation also gets the model to improve its title.
 */
export async function streamChatReply(input: {
  user: ChatUser;
  request: ChatRequest;
  signal: AbortSignal;
  requestId: string;
}): Promise<Response> {
  const { user, request } = input;
  const model = await resolveModelOrThrow(request.model);
  if (request.message) checkImageAttachmentsOrThrow(request.message, model.supportsImages, model.publicId);
  const principal = await chatPrincipal(user);
  const turn = await saveUserTurn({ userId: user.userId, request, contextWindow: model.contextWindow });
  const history = turn.history.map((m) => toChatUIMessage(m));
  const documents = await documentTextsFor(turn.history.map((m) => m.id));
  const modelHistory = withDocumentsAsText(model.supportsImages ? history : withoutImages(history), documents);
  const assistantId = randomUUID();
  const startedAt = performance.now();
  let firstWordAt: number | null = null;

  const result = streamText({
    model: gatewayChatModel({
      modelId: model.publicId,
      principal,
      sessionId: turn.sessionId,
      requestId: input.requestId,
    }),
    messages: await convertToModelMessages(modelHistory),
    abortSignal: input.signal,
    // The pipeline retries upstreams itself; a retry here would reserve and bill twice.
    maxRetries: 0,
    // Errors go to the page in the stream (below); the pipeline has logged upstream failures already.
    onError: ({ error }) =>
      logger.debug(
        { requestId: input.requestId, err: error instanceof Error ? error.message : String(error) },
        "chat answer failed",
      ),
  });

  const stream = toUIMessageStream<ToolSet, ChatUIMessage>({
    stream: result.stream,
    originalMessages: history,
    generateMessageId: () => assistantId,
    messageMetadata: ({ part }) => {
      if (part.type === "start") return { model: model.publicId, createdAt: new Date().toISOString() };
      if (part.type === "text-delta" && firstWordAt === null) firstWordAt = performance.now();
      if (part.type === "finish")
        return {
          details: answerDetails({
            model,
            usage: part.totalUsage,
            requestId: input.requestId,
            ttftMs: firstWordAt === null ? null : Math.round(firstWordAt - startedAt),
          }),
        };
      return undefined;
    },
    onError: (error) => chatStreamErrorText(error, input.requestId, { admin: user.isAdmin }),
    onEnd: async ({ responseMessage, isAborted, isCancelled, finishReason }) => {
      const partial = isAborted || isCancelled === true || finishReason === "error";
      const saved = await saveAssistantMessage({
        id: assistantId,
        sessionId: turn.sessionId,
        parentId: turn.history.at(-1)?.id ?? null,
        message: responseMessage,
        model: model.publicId,
        partial,
        requestId: input.requestId,
      });
      const first = history.find((m) => m.role === "user");
      if (saved && !partial && turn.isNewSession && first) {
        inBackground(
          improveTitle({
            principal,
            sessionId: turn.sessionId,
            model: model.publicId,
            currentTitle: turn.title,
            question: messageText(first),
            answer: messageText(responseMessage),
          }),
        );
      }
    },
  });
  return createUIMessageStreamResponse({
    stream,
    headers: { [SESSION_ID_HEADER]: turn.sessionId },
    consumeSseStream: consumeStream,
  });
}

import "server-only";
import { randomUUID } from "node:crypto";
import { getDb } from "@/lib/db/client";
import { type GatewayInput, runChatCompletion } from "@/lib/gateway/pipeline";
import { logger } from "@/lib/logging/logger";
import { TITLE_MAX } from "./limits";
import { announceSessionChange } from "./sessions";

const TITLE_TIMEOUT_MS = 30_000;
const EXCERPT = 1_000;

/** The model's answer reduced to a title: one line, no quotes or "Title:", at most six words when it rambles. */
export function cleanTitle(raw: string): string {
  const line =
    raw
      .split("\n")
      .map((l) => l.trim())
      .find(Boolean) ?? "";
  const bare = line
    .replace(/^(title|titel)\s*:\s*/i, "")
    .replace(/^["'*#`\s]+|["'*`\s]+$/g, "")
    .replace(/[.!?,;:]+$/, "")
    .replace(/\s+/g, " ");
  const words = bare.split(" ").filter(Boolean);
  return (words.length > 8 ? words.slice(0, 6).join(" ") : bare).slice(0, TITLE_MAX).trim();
}

/**
 * After the first answer, asks the same model (through the pipeline, billed like any request) for a
 * 3–6 word title. Keeps the first-message title when the call fails or the user renamed meanwhile.
 */
export async function improveTitle(input: {
  principal: GatewayInput["principal"];
  sessionId: string;
  model: string;
  currentTitle: string;
  question: string;
  answer: string;
}): Promise<void> {
  try {
    const res = await runChatCompletion({
      principal: input.principal,
      requestId: randomUUID(),
      signal: AbortSignal.timeout(TITLE_TIMEOUT_MS),
      sessionId: input.sessionId,
      body: {
        model: input.model,
        stream: false,
        max_tokens: 24,
        messages: [
          {
            role: "system",
            content: "You name conversations. Reply with a 3-6 word title only, no quotes, no punctuation at the end.",
          },
          {
            role: "user",
            content: `${input.question.slice(0, EXCERPT)}\n\nAnswer:\n${input.answer.slice(0, EXCERPT)}\n\nWrite a 3-6 word title for this conversation.`,
          },
        ],
      },
    });
    if (!res.ok) return;
    const body = (await res.json()) as { choices?: Array<{ message?: { content?: string | null } }> };
    const title = cleanTitle(body.choices?.[0]?.message?.content ?? "");
    if (!title) return;
    const db = await getDb();
    const { count } = await db.chatSession.updateMany({
      where: { id: input.sessionId, title: input.currentTitle },
      data: { title },
    });
    if (count) announceSessionChange(input.sessionId, "title");
  } catch (err) {
    logger.debug(
      { sessionId: input.sessionId, err: err instanceof Error ? err.message : String(err) },
      "title generation failed",
    );
  }
}

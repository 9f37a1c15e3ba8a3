import "server-only";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { ChatMessage } from "./responses-items";

// Stored Responses API answers (store: true, the default). A response belongs to its key's owner
// alone: another user's id is answered exactly as an unknown one.

const notFound = (id: string, param?: string) =>
  new AppError(
    "not_found",
    `${param === "previous_response_id" ? "Previous response" : "Response"} with id '${id.slice(0, 128)}' not found.`,
    param ? { param } : {},
  );

export async function saveResponse(row: {
  id: string;
  userId: string;
  apiKeyId: string | null;
  previousResponseId: string | null;
  model: string;
  messages: ChatMessage[];
  inputItems: unknown[];
  response: unknown;
}): Promise<void> {
  const db = await getDb();
  await db.storedResponse.create({
    data: {
      ...row,
      messages: row.messages as unknown as Prisma.InputJsonValue,
      inputItems: row.inputItems as Prisma.InputJsonValue,
      response: row.response as Prisma.InputJsonValue,
    },
  });
}

/** The conversation a chained request continues. */
export async function previousConversationOrThrow(userId: string, id: string): Promise<ChatMessage[]> {
  const db = await getDb();
  const row = await db.storedResponse.findFirst({ where: { id, userId }, select: { messages: true } });
  if (!row) throw notFound(id, "previous_response_id");
  return row.messages as unknown as ChatMessage[];
}

export async function getResponseOrThrow(userId: string, id: string): Promise<unknown> {
  const db = await getDb();
  const row = await db.storedResponse.findFirst({ where: { id, userId }, select: { response: true } });
  if (!row) throw notFound(id);
  return row.response;
}

export async function deleteResponseOrThrow(
  userId: string,
  id: string,
): Promise<{ id: string; object: "response"; deleted: true }> {
  const db = await getDb();
  const { count } = await db.storedResponse.deleteMany({ where: { id, userId } });
  if (count === 0) throw notFound(id);
  return { id, object: "response", deleted: true };
}

/** A response's own input items, in OpenAI's list shape (cursor `after` is an item id). */
export async function listInputItemsOrThrow(
  userId: string,
  id: string,
  q: { limit: number; order: "asc" | "desc"; after?: string },
) {
  const db = await getDb();
  const row = await db.storedResponse.findFirst({ where: { id, userId }, select: { inputItems: true } });
  if (!row) throw notFound(id);
  const all = row.inputItems as Array<{ id: string }>;
  const ordered = q.order === "asc" ? all : [...all].reverse();
  const start = q.after ? ordered.findIndex((i) => i.id === q.after) + 1 : 0;
  const data = ordered.slice(start, start + q.limit);
  return {
    object: "list",
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: start + q.limit < ordered.length,
  };
}

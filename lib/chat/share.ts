import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { pathTo } from "./branches";
import { getOwnedSessionOrThrow } from "./sessions";
import { type ChatUIMessage, toChatUIMessage } from "./ui-message";

// A read-only link to one conversation. Only the token's hash is stored: the link is shown once,
// when it is made; sharing again makes a new link (the old one stops working), and revoking ends it.

const TOKEN = /^[A-Za-z0-9_-]{32}$/;

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export async function shareStatusOrThrow(id: string, userId: string) {
  await getOwnedSessionOrThrow(id, userId);
  const db = await getDb();
  const row = await db.chatSession.findUniqueOrThrow({ where: { id }, select: { sharedAt: true } });
  return { shared: row.sharedAt !== null, sharedAt: row.sharedAt };
}

/** Makes (or replaces) the conversation's share link; the token is in this answer only. */
export async function shareSessionOrThrow(
  id: string,
  userId: string,
): Promise<{ token: string; path: string; sharedAt: Date }> {
  const session = await getOwnedSessionOrThrow(id, userId);
  if (session.source === "API")
    throw new AppError("conflict", "A conversation that came in through the API cannot be shared");
  const token = randomBytes(24).toString("base64url");
  const db = await getDb();
  const { sharedAt } = await db.chatSession.update({
    where: { id },
    data: { shareTokenHash: hashToken(token), sharedAt: new Date() },
    select: { sharedAt: true },
  });
  return { token, path: `/share/${token}`, sharedAt: sharedAt! };
}

export async function unshareSessionOrThrow(id: string, userId: string): Promise<void> {
  await getOwnedSessionOrThrow(id, userId);
  const db = await getDb();
  await db.chatSession.update({ where: { id }, data: { shareTokenHash: null, sharedAt: null } });
}

export type SharedConversation = { title: string; sharedAt: Date; messages: ChatUIMessage[] };

/** What a share link shows, or null when the link is unknown or revoked (the same answer for both). */
export async function findSharedConversation(token: string): Promise<SharedConversation | null> {
  if (!TOKEN.test(token)) return null;
  const db = await getDb();
  const session = await db.chatSession.findUnique({
    where: { shareTokenHash: hashToken(token) },
    select: {
      title: true,
      sharedAt: true,
      leafId: true,
      messages: {
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: {
          id: true,
          role: true,
          parts: true,
          text: true,
          model: true,
          partial: true,
          parentId: true,
          createdAt: true,
        },
      },
    },
  });
  if (!session?.sharedAt) return null;
  return {
    title: session.title,
    sharedAt: session.sharedAt,
    messages: pathTo(session.messages, session.leafId).map((m) => toChatUIMessage(m)),
  };
}

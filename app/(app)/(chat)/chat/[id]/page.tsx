import { notFound } from "next/navigation";
import { ChatView } from "@/components/chat/chat-view";
import { requirePageUser } from "@/lib/auth/page-session";
import { findOwnedSession } from "@/lib/chat/sessions";

export const metadata = { title: "Chat · Tollgate" };

export default async function ChatPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePageUser(`/chat/${encodeURIComponent(id)}`);
  // Someone else's conversation looks exactly like one that does not exist.
  const session = await findOwnedSession(id, user.id);
  if (!session) notFound();
  return (
    <ChatView
      key={session.id}
      initial={{ id: session.id, title: session.title, model: session.model, source: session.source }}
    />
  );
}

import { notFound } from "next/navigation";
import { Markdown } from "@/components/markdown/markdown";
import { findSharedConversation } from "@/lib/chat/share";
import { messageText } from "@/lib/chat/ui-message";

export const dynamic = "force-dynamic";
export const metadata = { title: "Shared conversation · Tollgate", robots: { index: false, follow: false } };

/** A conversation someone shared: read-only, for anyone with the link, until its owner revokes it. */
export default async function SharedConversationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const shared = await findSharedConversation(token);
  if (!shared) notFound();
  return (
    <main data-testid="shared-conversation" className="mx-auto w-full max-w-3xl px-4 py-8">
      <header className="mb-6 border-b border-zinc-200 pb-4 dark:border-zinc-800">
        <p className="text-xs uppercase tracking-wide text-zinc-500">Shared conversation · read-only</p>
        <h1 data-testid="shared-title" className="mt-1 text-xl font-semibold">
          {shared.title}
        </h1>
      </header>
      <div className="flex flex-col gap-5">
        {shared.messages.map((m) =>
          m.role === "user" ? (
            <p
              key={m.id}
              data-testid="message"
              data-role="user"
              className="ml-auto max-w-[85%] whitespace-pre-wrap break-words rounded-2xl bg-zinc-100 px-4 py-2 dark:bg-zinc-800"
            >
              {messageText(m)}
            </p>
          ) : (
            <div key={m.id} data-testid="message" data-role="assistant" className="min-w-0">
              <Markdown text={messageText(m)} />
            </div>
          ),
        )}
      </div>
    </main>
  );
}

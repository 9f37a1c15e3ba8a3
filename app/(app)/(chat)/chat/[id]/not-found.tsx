import Link from "next/link";

export default function ConversationNotFound() {
  return (
    <div
      data-testid="chat-not-found"
      className="flex h-full flex-col items-center justify-center gap-2 px-4 text-center"
    >
      <h1 className="text-xl font-semibold">Conversation not found</h1>
      <p className="text-sm text-zinc-500">It does not exist, was deleted, or belongs to someone else.</p>
      <Link href="/" className="mt-2 underline">
        Start a new chat
      </Link>
    </div>
  );
}

"use client";

import { useEffect, useRef } from "react";
import type { ChatUIMessage } from "@/lib/chat/ui-message";
import { type MessageHandlers, MessageItem } from "./message-item";
import { TypingIndicator } from "./typing-indicator";

const hasContent = (p: ChatUIMessage["parts"][number]) =>
  (p.type === "text" && p.text.trim() !== "") || p.type === "file";

type Props = {
  messages: ChatUIMessage[];
  status: "submitted" | "streaming" | "ready" | "error";
  loading: boolean;
  readOnly: boolean;
  handlersFor: (message: ChatUIMessage, index: number) => MessageHandlers;
};

/** The conversation, kept scrolled to the newest text while the user is reading at the bottom. */
export function MessageList({ messages, status, loading, readOnly, handlersFor }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const last = messages.at(-1);
  const busy = status === "submitted" || status === "streaming";
  const lastLength = last ? last.parts.reduce((n, p) => n + (p.type === "text" ? p.text.length : 1), 0) : 0;

  useEffect(() => {
    const el = scroller.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [messages.length, lastLength, status]);

  return (
    <div
      ref={scroller}
      data-testid="message-list"
      aria-live="polite"
      aria-busy={busy}
      onScroll={(e) => {
        const el = e.currentTarget;
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
      }}
      className="min-h-0 flex-1 overflow-y-auto overflow-x-hidden"
    >
      <div className="mx-auto flex w-full max-w-3xl flex-col gap-5 px-3 py-6 sm:px-4">
        {loading && (
          <div aria-label="Loading the conversation" className="space-y-4">
            <div className="ml-auto h-10 w-2/3 animate-pulse rounded-2xl bg-zinc-100 dark:bg-zinc-800" />
            <div className="h-24 w-full animate-pulse rounded-2xl bg-zinc-100 dark:bg-zinc-800" />
          </div>
        )}
        {!loading && messages.length === 0 && (
          <div data-testid="chat-empty" className="mt-[15vh] text-center">
            <h1 className="text-2xl font-semibold">What can I help with?</h1>
            <p className="mt-2 text-sm text-zinc-500">
              {readOnly
                ? "This conversation has no messages."
                : "Enter sends, Shift+Enter adds a line, Ctrl+Shift+O starts a new chat."}
            </p>
          </div>
        )}
        {messages.map((m, i) => {
          // The answer being written. The AI SDK adds it at the stream's start chunk (sent at once, with
          // the headers) but reports "streaming" only from its first part: until then it is still
          // "submitted", and the answer's bubble shows the dots.
          const streaming = busy && i === messages.length - 1 && m.role === "assistant";
          // An answer that failed before its first word has nothing to show: the error says why.
          if (m.role === "assistant" && !streaming && !m.parts.some(hasContent)) return null;
          return (
            <MessageItem key={m.id} message={m} streaming={streaming} handlers={readOnly ? {} : handlersFor(m, i)} />
          );
        })}
        {/* From send until the answer's message exists (its own bubble then shows the dots). */}
        {busy && last?.role === "user" && <TypingIndicator />}
      </div>
    </div>
  );
}

"use client";

import { useChatShell } from "./chat-shell";
import { ChatView } from "./chat-view";

/** The empty chat at "/": a fresh one each time the user asks for a new chat. */
export function NewChat() {
  const { newChatKey } = useChatShell();
  return <ChatView key={newChatKey} initial={null} />;
}

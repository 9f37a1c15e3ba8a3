"use client";

import { useChat } from "@ai-sdk/react";
import { DefaultChatTransport } from "ai";
import { useCallback, useEffect, useRef, useState } from "react";
import { apiSessionMessages, type ThreadDetail } from "@/lib/chat/api-session";
import { type ChatUIMessage, SESSION_ID_HEADER, type StoredMessage, toChatUIMessage } from "@/lib/chat/ui-message";
import { useEventSource } from "./use-event-source";

export type SessionMeta = { id: string; title: string; model: string | null; source: "CHAT" | "API" };

type Snapshot = { id: string; deleted: boolean; title?: string; lastMessageId?: string | null };
type Detail = {
  session: SessionMeta;
  messages: StoredMessage[];
  requests: Array<{
    id: string;
    status: string;
    promptTokens: number;
    completionTokens: number;
    cost: string;
    ttftMs: number | null;
  }>;
};

/** The messages of a stored conversation; an API conversation is rebuilt from its last request. */
async function fetchConversation(id: string): Promise<{ session: SessionMeta; messages: ChatUIMessage[] } | null> {
  const res = await fetch(`/api/user/session/detail/${encodeURIComponent(id)}`, { cache: "no-store" });
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`The conversation could not be loaded (${res.status})`);
  const detail = (await res.json()) as Detail;
  if (detail.messages.length > 0 || detail.requests.length === 0)
    return { session: detail.session, messages: detail.messages.map((m) => toChatUIMessage(m, detail.requests)) };
  const last = detail.requests[detail.requests.length - 1];
  const thread = await fetch(`/api/user/thread/detail/${encodeURIComponent(last.id)}`, { cache: "no-store" });
  return {
    session: detail.session,
    messages: thread.ok ? apiSessionMessages((await thread.json()) as ThreadDetail) : [],
  };
}

/**
 * One conversation in the browser: useChat over POST /api/chat, the stored history, and live
 * updates from other tabs. `onCreated` fires once the server has created a new conversation.
 */
export function useConversation(opts: {
  initial: SessionMeta | null;
  model: string;
  onCreated: (id: string) => void;
  onChanged: () => void;
}) {
  const sessionId = useRef<string | null>(opts.initial?.id ?? null);
  const model = useRef(opts.model);
  const callbacks = useRef(opts);
  const [liveId, setLiveId] = useState<string | null>(opts.initial?.id ?? null);
  const [title, setTitle] = useState(opts.initial?.title ?? "New chat");
  const [loadState, setLoadState] = useState<"loading" | "ready" | "missing" | "failed">(
    opts.initial ? "loading" : "ready",
  );
  const [deleted, setDeleted] = useState(false);
  useEffect(() => {
    model.current = opts.model;
    callbacks.current = opts;
  });

  const [transport] = useState(
    () =>
      new DefaultChatTransport<ChatUIMessage>({
        api: "/api/chat",
        fetch: async (input, init) => {
          const res = await fetch(input, init);
          const created = res.headers.get(SESSION_ID_HEADER);
          if (created && !sessionId.current) {
            sessionId.current = created;
            setLiveId(created);
            callbacks.current.onCreated(created);
          }
          return res;
        },
        prepareSendMessagesRequest: ({ messages, trigger, messageId }) => {
          const action = trigger === "regenerate-message" ? "regenerate" : messageId ? "edit" : "submit";
          return {
            body: {
              sessionId: sessionId.current,
              model: model.current,
              action,
              messageId: action === "regenerate" ? messageId : undefined,
              message: action === "regenerate" ? undefined : messages.at(-1),
            },
          };
        },
      }),
  );

  // After Stop, the server keeps (and bills) what it had produced, which may be a word or two more
  // than reached this tab: once it has saved the answer, the stored version replaces ours.
  const resyncId = useRef<string | null>(null);
  const chat = useChat<ChatUIMessage>({
    transport,
    onFinish: ({ message, isAbort, isError }) => {
      if (isAbort || isError) {
        const partial = message.parts.some((p) => p.type === "text" && p.text);
        if (partial)
          chat.setMessages((list) =>
            list.map((m) => (m.id === message.id ? { ...m, metadata: { ...m.metadata, partial: true } } : m)),
          );
        if (isAbort) resyncId.current = message.id;
      }
      callbacks.current.onChanged();
      // The server's view of the turn: its ids (an edit is a new message), branches, and a failed question.
      void reloadRef.current();
    },
  });
  const { setMessages, status } = chat;
  const messagesRef = useRef(chat.messages);
  useEffect(() => {
    messagesRef.current = chat.messages;
  });

  // Reloads can overlap (several changes in a row): only the latest one's answer is applied.
  const loads = useRef(0);
  const reload = useCallback(async () => {
    const id = sessionId.current;
    if (!id) return;
    const run = ++loads.current;
    try {
      const found = await fetchConversation(id);
      if (run !== loads.current) return;
      if (!found) return setLoadState("missing");
      // An answer's details arrive with it; its request may not be settled yet on the server.
      setMessages((local) => {
        const live = new Map(local.map((m) => [m.id, m.metadata?.details]));
        return found.messages.map((m) =>
          m.metadata?.details || !live.get(m.id) ? m : { ...m, metadata: { ...m.metadata, details: live.get(m.id) } },
        );
      });
      setTitle(found.session.title);
      setLoadState("ready");
    } catch {
      if (run === loads.current) setLoadState((s) => (s === "loading" ? "failed" : s));
    }
  }, [setMessages]);

  const reloadRef = useRef(reload);
  useEffect(() => {
    reloadRef.current = reload;
  });

  useEffect(() => {
    if (opts.initial) void reload();
  }, [opts.initial, reload]);

  // Another tab (or instance) saved a message, renamed or deleted this conversation.
  const busy = status === "submitted" || status === "streaming";
  useEventSource<Snapshot>(liveId ? `/api/chat/sessions/${encodeURIComponent(liveId)}/events` : null, (snap) => {
    if (snap.deleted) return setDeleted(true);
    if (snap.title && snap.title !== title) {
      setTitle(snap.title);
      callbacks.current.onChanged();
    }
    const known = !snap.lastMessageId || messagesRef.current.some((m) => m.id === snap.lastMessageId);
    const stoppedAnswerSaved = resyncId.current !== null && snap.lastMessageId === resyncId.current;
    if (stoppedAnswerSaved) resyncId.current = null;
    if ((!known || stoppedAnswerSaved) && !busy) void reload();
  });

  return { ...chat, sessionId: liveId, title, setTitle, loadState, deleted, reload, busy };
}

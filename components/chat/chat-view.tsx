"use client";

import type { FileUIPart } from "ai";
import { useCallback, useState } from "react";
import type { ChatUIMessage } from "@/lib/chat/ui-message";
import { type SessionMeta, useConversation } from "@/lib/hooks/use-conversation";
import { type ChatModel, useModels } from "@/lib/hooks/use-models";
import { ChatErrorBanner } from "./chat-error-banner";
import { useChatShell } from "./chat-shell";
import { Composer } from "./composer";
import { ConversationMenu } from "./conversation-menu";
import { MenuIcon } from "./icons";
import { ConversationTotal } from "./message-details";
import { MessageList } from "./message-list";
import { ModelPicker } from "./model-picker";

const PICKED_MODEL = "tollgate:last-model";

/**
 * The conversation's model, else the one last picked in this browser, else the one the user chatted
 * with last on any device (remembered server-side), else the first.
 */
function pickModel(models: ChatModel[] | null, preferred: string | null, last: string | null): string {
  if (!models?.length) return preferred ?? "";
  if (preferred && models.some((m) => m.id === preferred)) return preferred;
  const picked = typeof window === "undefined" ? null : window.localStorage.getItem(PICKED_MODEL);
  return models.find((m) => m.id === picked)?.id ?? models.find((m) => m.id === last)?.id ?? models[0].id;
}

async function setFlag(id: string, flagged: boolean, reason?: string): Promise<void> {
  const res = await fetch(`/api/chat/messages/${encodeURIComponent(id)}/flag`, {
    method: flagged ? "POST" : "DELETE",
    headers: { "content-type": "application/json" },
    body: flagged ? JSON.stringify({ reason: reason || undefined }) : undefined,
  });
  if (!res.ok)
    throw new Error(
      ((await res.json().catch(() => null)) as { error?: { message?: string } } | null)?.error?.message ??
        `The server answered ${res.status}`,
    );
}

async function switchBranch(sessionId: string, messageId: string): Promise<void> {
  await fetch(`/api/chat/sessions/${encodeURIComponent(sessionId)}/branch`, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ messageId }),
  });
}

/** A conversation: new (initial null) or stored. Sends through /api/chat and follows other tabs. */
export function ChatView({ initial }: { initial: SessionMeta | null }) {
  const shell = useChatShell();
  const { models, lastModel, error: modelsError } = useModels();
  const [chosen, setChosen] = useState<string | null>(initial?.model ?? null);
  const model = pickModel(models, chosen, lastModel);
  const current = models?.find((m) => m.id === model);
  const conv = useConversation({
    initial,
    model,
    onCreated: (id) => {
      window.history.replaceState(null, "", `/chat/${id}`);
      shell.refreshSessions();
    },
    onChanged: shell.refreshSessions,
  });
  const readOnly = initial?.source === "API";
  const { messages, setMessages, status, busy } = conv;

  const chooseModel = (id: string) => {
    setChosen(id);
    window.localStorage.setItem(PICKED_MODEL, id);
  };

  const send = (text: string, files: FileUIPart[]) => {
    conv.clearError();
    void conv.sendMessage(files.length ? { text, files } : { text });
  };

  const flag = useCallback(
    async (m: ChatUIMessage, flagged: boolean, reason?: string) => {
      await setFlag(m.id, flagged, reason);
      setMessages((list) =>
        list.map((x) =>
          x.id === m.id
            ? { ...x, metadata: { ...x.metadata, flagged, flagReason: flagged ? reason || null : null } }
            : x,
        ),
      );
    },
    [setMessages],
  );

  // Any answer can be regenerated and any question edited: each makes a branch beside it (‹ 2 / 3 ›).
  const handlersFor = (m: ChatUIMessage, i: number) => ({
    onRegenerate: !busy && m.role === "assistant" ? () => void conv.regenerate({ messageId: m.id }) : undefined,
    onEdit:
      !busy && m.role === "user"
        ? (text: string) =>
            void conv.sendMessage({
              parts: [...m.parts.filter((p) => p.type === "file"), { type: "text", text }],
              messageId: m.id,
            })
        : undefined,
    // A question shown last without an answer failed (or was stopped before the first word).
    onRetry:
      !busy && m.role === "user" && i === messages.length - 1 && conv.sessionId
        ? () => {
            conv.clearError();
            void conv.regenerate({ messageId: m.id });
          }
        : undefined,
    onSwitchBranch:
      !busy && conv.sessionId
        ? (id: string) => void switchBranch(conv.sessionId!, id).then(() => conv.reload())
        : undefined,
    onFlag: conv.sessionId && !busy ? (flagged: boolean, reason?: string) => flag(m, flagged, reason) : undefined,
  });

  const noModels = models !== null && models.length === 0;
  const blocked = readOnly || !model || conv.deleted || conv.loadState === "missing";
  const blockedReason = readOnly
    ? "This conversation came in through the API; start a new chat to continue here"
    : noModels
      ? "No model is available yet; ask an administrator to add a provider"
      : !model
        ? "Loading models…"
        : "This conversation was deleted";

  return (
    <section data-testid="app-shell" className="flex h-full min-h-0 flex-col">
      <div className="flex items-center gap-2 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <button
          type="button"
          data-testid="open-sidebar"
          aria-label="Open the conversation list"
          onClick={shell.openSidebar}
          className="rounded-lg p-2 hover:bg-zinc-100 md:hidden dark:hover:bg-zinc-800"
        >
          <MenuIcon />
        </button>
        <h1 data-testid="chat-title" className="min-w-0 flex-1 truncate text-sm font-medium">
          {conv.sessionId ? conv.title : "New chat"}
          {readOnly && (
            <span className="ml-2 rounded bg-blue-100 px-1.5 text-[10px] font-semibold uppercase text-blue-800 dark:bg-blue-950 dark:text-blue-300">
              API
            </span>
          )}
        </h1>
        <ConversationTotal messages={messages} />
        {conv.sessionId && <ConversationMenu sessionId={conv.sessionId} canShare={!readOnly} />}
        {models && models.length > 0 && (
          <div className="min-w-0 max-w-[55%]">
            <ModelPicker models={models} value={model} onChange={chooseModel} disabled={busy || readOnly} />
          </div>
        )}
      </div>
      {modelsError && (
        <p role="alert" className="px-4 py-2 text-sm text-red-600 dark:text-red-400">
          {modelsError}. Reload the page to try again.
        </p>
      )}
      {conv.loadState === "missing" || conv.deleted ? (
        <div className="flex flex-1 flex-col items-center justify-center gap-2 text-center" data-testid="chat-missing">
          <p className="text-lg font-medium">This conversation no longer exists.</p>
          <button type="button" className="underline" onClick={shell.startNewChat}>
            Start a new chat
          </button>
        </div>
      ) : (
        <MessageList
          messages={messages}
          status={status}
          loading={conv.loadState === "loading"}
          readOnly={readOnly}
          handlersFor={handlersFor}
        />
      )}
      {conv.loadState === "failed" && (
        <p role="alert" className="px-4 py-2 text-center text-sm text-red-600 dark:text-red-400">
          The conversation could not be loaded.{" "}
          <button type="button" className="underline" onClick={() => void conv.reload()}>
            Retry
          </button>
        </p>
      )}
      <ChatErrorBanner error={conv.error} onRetry={() => void conv.regenerate()} onDismiss={conv.clearError} />
      <Composer
        busy={busy}
        disabled={blocked}
        disabledReason={blockedReason}
        acceptsImages={!!current?.supports_images}
        onSend={send}
        onStop={() => void conv.stop()}
      />
    </section>
  );
}

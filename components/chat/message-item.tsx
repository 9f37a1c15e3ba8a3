"use client";

import { useState } from "react";
import { Markdown } from "@/components/markdown/markdown";
import { type BranchInfo, type ChatUIMessage, messageText } from "@/lib/chat/ui-message";
import { FileChip } from "./file-chip";
import { MessageActions } from "./message-actions";
import { MessageDetails } from "./message-details";
import { MessageEditor } from "./message-editor";
import { TypingIndicator } from "./typing-indicator";

export type MessageHandlers = {
  onRegenerate?: () => void;
  onEdit?: (text: string) => void;
  onRetry?: () => void;
  onSwitchBranch?: (messageId: string) => void;
  onFlag?: (flagged: boolean, reason?: string) => Promise<void>;
};

function BranchSwitcher({ branch, onSwitch }: { branch: BranchInfo; onSwitch?: (id: string) => void }) {
  const step = (delta: number) => onSwitch?.(branch.siblingIds[branch.index - 1 + delta]);
  const button = "rounded px-1 text-zinc-500 hover:bg-zinc-100 disabled:opacity-30 dark:hover:bg-zinc-800";
  return (
    <span className="flex items-center text-xs tabular-nums text-zinc-500" data-testid="branch-switcher">
      <button
        type="button"
        data-testid="branch-prev"
        aria-label="Previous version"
        disabled={!onSwitch || branch.index <= 1}
        onClick={() => step(-1)}
        className={button}
      >
        ‹
      </button>
      <span data-testid="branch-position">
        {branch.index} / {branch.count}
      </span>
      <button
        type="button"
        data-testid="branch-next"
        aria-label="Next version"
        disabled={!onSwitch || branch.index >= branch.count}
        onClick={() => step(1)}
        className={button}
      >
        ›
      </button>
    </span>
  );
}

/** One message: the question as a bubble, the answer as Markdown, images, and the actions below. */
export function MessageItem({
  message,
  streaming,
  handlers,
}: {
  message: ChatUIMessage;
  streaming: boolean;
  handlers: MessageHandlers;
}) {
  const [editing, setEditing] = useState(false);
  const isUser = message.role === "user";
  const text = messageText(message);
  const images = message.parts.filter((p) => p.type === "file" && p.mediaType.startsWith("image/"));
  const documents = message.parts.flatMap((p) => (p.type === "file" && !p.mediaType.startsWith("image/") ? [p] : []));
  const meta = message.metadata ?? {};
  return (
    <article
      data-testid="message"
      data-role={message.role}
      data-message-id={message.id}
      data-partial={meta.partial ? "true" : "false"}
      data-streaming={streaming ? "true" : "false"}
      aria-label={isUser ? "Your message" : "Answer"}
      className={`flex w-full flex-col ${isUser ? "items-end" : "items-start"}`}
    >
      {editing && handlers.onEdit ? (
        <MessageEditor
          initial={text}
          onCancel={() => setEditing(false)}
          onSave={(next) => {
            setEditing(false);
            handlers.onEdit?.(next);
          }}
        />
      ) : (
        <div className={isUser ? "max-w-[85%] rounded-2xl bg-zinc-100 px-4 py-2 dark:bg-zinc-800" : "w-full min-w-0"}>
          {images.length > 0 && (
            <div className="mb-2 flex flex-wrap gap-2">
              {images.map((img, i) =>
                img.type === "file" ? (
                  <img
                    key={i}
                    src={img.url}
                    alt={img.filename ?? "Attached image"}
                    className="max-h-48 max-w-full rounded-lg border border-zinc-200 object-contain dark:border-zinc-700"
                  />
                ) : null,
              )}
            </div>
          )}
          {documents.length > 0 && (
            <div className="mb-2 flex flex-wrap gap-2">
              {documents.map((d, i) => (
                <FileChip key={i} file={d} download />
              ))}
            </div>
          )}
          {isUser ? (
            // The user's own words as typed: line breaks and spaces kept, no Markdown reinterpretation.
            <p data-testid="message-text" className="whitespace-pre-wrap break-words">
              {text}
            </p>
          ) : (
            <div data-testid="message-text">
              <Markdown text={text} />
            </div>
          )}
          {streaming && !text && <TypingIndicator />}
        </div>
      )}
      {!streaming && !editing && (
        <div className={`flex flex-wrap items-center gap-2 ${isUser ? "justify-end" : ""}`}>
          {meta.branch && meta.branch.count > 1 && (
            <BranchSwitcher branch={meta.branch} onSwitch={handlers.onSwitchBranch} />
          )}
          {handlers.onRetry && (
            <span
              data-testid="message-failed"
              className="flex items-center gap-1 text-xs text-red-700 dark:text-red-400"
            >
              Not answered ·
              <button
                type="button"
                data-testid="message-retry"
                onClick={handlers.onRetry}
                className="font-medium underline"
              >
                Retry
              </button>
            </span>
          )}
          {meta.partial && (
            <span data-testid="partial-badge" className="text-xs text-amber-700 dark:text-amber-400">
              Stopped early
            </span>
          )}
          {meta.flagged && meta.flagReason && (
            <span className="text-xs text-amber-700 dark:text-amber-400">Flag: {meta.flagReason}</span>
          )}
          {!isUser && meta.details && <MessageDetails model={meta.model} details={meta.details} />}
          <MessageActions
            text={text}
            flagged={!!meta.flagged}
            onRegenerate={handlers.onRegenerate}
            onEdit={handlers.onEdit ? () => setEditing(true) : undefined}
            onFlag={handlers.onFlag}
          />
        </div>
      )}
    </article>
  );
}

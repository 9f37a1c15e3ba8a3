"use client";

import { chatErrorAdvice, chatErrorTitle, decodeChatError } from "@/lib/chat/chat-error";

/** Why the answer failed — which limit, at which level, when it resets — and what to do next. */
export function ChatErrorBanner({
  error,
  onRetry,
  onDismiss,
}: {
  error: Error | undefined;
  onRetry?: () => void;
  onDismiss: () => void;
}) {
  if (!error) return null;
  const info = decodeChatError(error.message);
  const canRetry = onRetry && info.status !== 402 && !info.limit;
  return (
    <div
      role="alert"
      data-testid="chat-error"
      data-status={info.status}
      data-limit={info.limit ?? ""}
      className="mx-auto mb-2 w-full max-w-3xl px-3"
    >
      <div className="rounded-xl border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100">
        <p className="font-semibold" data-testid="chat-error-title">
          {chatErrorTitle(info)}
        </p>
        <p className="mt-1" data-testid="chat-error-message">
          {info.message}
        </p>
        <p className="mt-1 text-red-800/80 dark:text-red-200/80">{chatErrorAdvice(info)}</p>
        {(info.detail || info.requestId) && (
          <details data-testid="chat-error-admin" className="mt-2 text-xs text-red-800/80 dark:text-red-200/80">
            <summary className="cursor-pointer">Details for administrators</summary>
            {info.detail && (
              <p data-testid="chat-error-detail" className="mt-1 break-words font-mono">
                {info.detail}
              </p>
            )}
            {info.requestId && (
              <a
                data-testid="chat-error-request"
                href={`/admin/threads/${encodeURIComponent(info.requestId)}`}
                className="mt-1 inline-block underline"
              >
                Request {info.requestId}
              </a>
            )}
          </details>
        )}
        <div className="mt-2 flex gap-3">
          {canRetry && (
            <button type="button" data-testid="chat-retry" onClick={onRetry} className="font-medium underline">
              Retry
            </button>
          )}
          <button type="button" onClick={onDismiss} className="underline">
            Dismiss
          </button>
        </div>
      </div>
    </div>
  );
}

"use client";

import Link from "next/link";
import { formatDate, formatMoney, formatMs, formatNumber } from "@/components/admin/format";
import { Badge, ErrorNote } from "@/components/admin/ui";
import { Markdown } from "@/components/markdown/markdown";
import type { ThreadDetail } from "@/lib/validations/admin-responses";
import { PromptView } from "./prompt-view";
import { StatusBadge } from "./status-badge";
import { useAdminResource } from "./use-resource";

function Fact({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs uppercase tracking-wide text-zinc-500">{label}</dt>
      <dd className="mt-0.5 break-words text-sm tabular-nums" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

const link = "text-blue-700 underline-offset-2 hover:underline dark:text-blue-400";

/** One request in full (GET /api/admin/thread/detail/{id}): who, which model, what it cost, prompt and reply. */
export function ThreadDetailView({ id }: { id: string }) {
  const {
    data: t,
    error,
    loading,
  } = useAdminResource<ThreadDetail>(`/api/admin/thread/detail/${encodeURIComponent(id)}`);
  return (
    <div data-testid="thread-detail" data-thread-id={id} aria-busy={loading} className="space-y-5">
      {error && <ErrorNote error={error} />}
      {loading && <p className="text-sm text-zinc-500">Loading…</p>}
      {t && (
        <>
          <dl className="grid grid-cols-2 gap-x-4 gap-y-3 sm:grid-cols-3 lg:grid-cols-4">
            <Fact label="Status" testId="thread-status">
              <StatusBadge status={t.status} />
            </Fact>
            <Fact label="Model" testId="thread-model">
              {t.model}
              {t.requestedModel && t.requestedModel !== t.model && (
                <span className="block text-xs text-zinc-500">asked for {t.requestedModel}</span>
              )}
            </Fact>
            <Fact label="Provider">
              {t.providerName ?? "—"}
              {t.region && <span className="block text-xs text-zinc-500">{t.region}</span>}
            </Fact>
            <Fact label="User">
              <Link className={link} href={`/admin/threads?user_id=${encodeURIComponent(t.userId)}`}>
                {t.user.email}
              </Link>
            </Fact>
            <Fact label="Key" testId="thread-key">
              {t.apiKeyId ? (
                <Link
                  className={`${link} font-mono text-xs`}
                  href={`/admin/threads?key_id=${encodeURIComponent(t.apiKeyId)}`}
                >
                  {t.apiKeyId}
                </Link>
              ) : (
                <span className="text-zinc-500">chat ({t.source.toLowerCase()})</span>
              )}
            </Fact>
            <Fact label="Session">
              {t.sessionId ? (
                <Link
                  className={`${link} font-mono text-xs`}
                  href={`/admin/sessions/${encodeURIComponent(t.sessionId)}`}
                >
                  {t.sessionId}
                </Link>
              ) : (
                "—"
              )}
            </Fact>
            <Fact label="Tokens in / out" testId="thread-tokens">
              {formatNumber(t.promptTokens)} / {formatNumber(t.completionTokens)}
              {t.usageEstimated && (
                <span className="ml-1">
                  <Badge tone="amber">estimated</Badge>
                </span>
              )}
              {(t.cachedTokens > 0 || t.reasoningTokens > 0) && (
                <span className="block text-xs text-zinc-500">
                  {formatNumber(t.cachedTokens)} cached · {formatNumber(t.reasoningTokens)} reasoning
                </span>
              )}
            </Fact>
            <Fact label="Cost" testId="thread-cost">
              {formatMoney(t.cost)}
            </Fact>
            <Fact label="Latency" testId="thread-latency">
              {formatMs(t.latencyMs)}
              {t.ttftMs !== null && (
                <span className="block text-xs text-zinc-500">first token {formatMs(t.ttftMs)}</span>
              )}
            </Fact>
            <Fact label="Attempts">
              {t.attempts} {t.stream ? "· streamed" : ""}
            </Fact>
            <Fact label="Started">{formatDate(t.createdAt)}</Fact>
            <Fact label="Settled">{formatDate(t.settledAt)}</Fact>
          </dl>
          <p className="font-mono text-xs text-zinc-500">Request {t.id}</p>
          {t.error && (
            <section>
              <h3 className="mb-1 text-sm font-medium">Error</h3>
              <p
                className="whitespace-pre-wrap break-words rounded-lg border border-red-200 bg-red-50 p-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-300"
                data-testid="thread-error"
              >
                {t.error}
              </p>
            </section>
          )}
          <section>
            <h3 className="mb-2 text-sm font-medium">Prompt</h3>
            <PromptView prompt={t.prompt} />
          </section>
          <section>
            <h3 className="mb-2 text-sm font-medium">Reply</h3>
            <div className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800" data-testid="thread-reply">
              {t.reply ? <Markdown text={t.reply} /> : <p className="text-sm text-zinc-500">No reply was stored.</p>}
            </div>
          </section>
        </>
      )}
    </div>
  );
}

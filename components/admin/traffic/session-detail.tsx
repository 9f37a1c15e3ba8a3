"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { formatDate, formatMoney, formatNumber } from "@/components/admin/format";
import { Badge, Card, type Column, ConfirmButton, DataTable, ErrorNote, PageHeader } from "@/components/admin/ui";
import { Markdown } from "@/components/markdown/markdown";
import type { SessionDetail, SessionMessage, SessionRequest } from "@/lib/validations/admin-responses";
import { deleteSession } from "./sessions-page";
import { StatusBadge } from "./status-badge";
import { useAdminResource } from "./use-resource";

const link = "text-blue-700 underline-offset-2 hover:underline dark:text-blue-400";

const requestColumns: Column<SessionRequest>[] = [
  { header: "Time", cell: (r) => <span className="whitespace-nowrap">{formatDate(r.createdAt)}</span> },
  { header: "Model", cell: (r) => <span className="font-mono text-xs">{r.model}</span> },
  { header: "Status", cell: (r) => <StatusBadge status={r.status} /> },
  {
    header: "Tokens in / out",
    className: "text-right",
    cell: (r) => (
      <span className="whitespace-nowrap tabular-nums">
        {formatNumber(r.promptTokens)} / {formatNumber(r.completionTokens)}
      </span>
    ),
  },
  { header: "Cost", className: "text-right", cell: (r) => <span className="tabular-nums">{formatMoney(r.cost)}</span> },
];

/** The text of a stored chat message; older rows may only have parts. */
function messageText(m: SessionMessage): string {
  if (m.text) return m.text;
  if (!Array.isArray(m.parts)) return "";
  return (m.parts as Array<{ type?: unknown; text?: unknown }>)
    .filter((p) => p?.type === "text" && typeof p.text === "string")
    .map((p) => p.text as string)
    .join("\n\n");
}

function attachmentCount(m: SessionMessage): number {
  return Array.isArray(m.parts) ? (m.parts as Array<{ type?: unknown }>).filter((p) => p?.type === "file").length : 0;
}

/** One conversation (GET /api/admin/session/detail/{id}): its messages and the requests it made. */
export function SessionDetailView({ id }: { id: string }) {
  const router = useRouter();
  const { data, error, loading } = useAdminResource<SessionDetail>(
    `/api/admin/session/detail/${encodeURIComponent(id)}`,
  );
  const s = data?.session;

  return (
    <div data-testid="session-detail" aria-busy={loading}>
      <Link href="/admin/sessions" className={`text-sm ${link}`}>
        ← Sessions
      </Link>
      <div className="mt-2">
        <PageHeader
          title={s?.title ?? "Conversation"}
          description={
            s
              ? `${s.user.email} · ${s.source} · started ${formatDate(s.createdAt)} · last activity ${formatDate(s.updatedAt)}`
              : undefined
          }
          actions={
            s && (
              <>
                <Link
                  href={`/admin/threads?session_id=${encodeURIComponent(s.id)}`}
                  className="rounded-lg border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
                >
                  Open in threads
                </Link>
                <ConfirmButton
                  label="Delete"
                  testId="session-delete"
                  title="Delete this conversation?"
                  message="The conversation and all its messages will be deleted. Its requests stay in the threads list for billing."
                  onConfirm={async () => {
                    await deleteSession(s.id);
                    router.push("/admin/sessions");
                  }}
                />
              </>
            )
          }
        />
      </div>
      <ErrorNote error={error} />
      {loading && <p className="text-sm text-zinc-500">Loading…</p>}
      {data && s && (
        <div className="space-y-4">
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Model {s.model ?? "—"} · key{" "}
            {s.apiKeyId ? <span className="font-mono text-xs">{s.apiKeyId}</span> : "none (chat page)"} ·{" "}
            <span className="font-mono text-xs">{s.id}</span>
          </p>
          <Card title={`Messages (${data.messages.length})`}>
            {data.messages.length === 0 ? (
              <p className="text-sm text-zinc-500" data-testid="empty-state">
                No messages are stored for this conversation (API conversations keep their prompts on the requests
                below).
              </p>
            ) : (
              <ol className="space-y-3" data-testid="session-messages">
                {data.messages.map((m) => (
                  <li
                    key={m.id}
                    className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800"
                    data-testid="session-message"
                  >
                    <div className="mb-1 flex flex-wrap items-center gap-2 text-xs text-zinc-500">
                      <span className="font-medium uppercase tracking-wide">{m.role}</span>
                      <span>{formatDate(m.createdAt)}</span>
                      {m.model && <span className="font-mono">{m.model}</span>}
                      {m.partial && <Badge tone="amber">partial</Badge>}
                      {m.flagged && <Badge tone="red">flagged{m.flagReason ? `: ${m.flagReason}` : ""}</Badge>}
                      {attachmentCount(m) > 0 && <Badge>{attachmentCount(m)} attachment(s)</Badge>}
                    </div>
                    <Markdown text={messageText(m)} />
                  </li>
                ))}
              </ol>
            )}
          </Card>
          <Card title={`Requests (${data.requests.length})`}>
            <DataTable
              testId="session-requests"
              rowTestId="session-thread-row"
              columns={requestColumns}
              rows={data.requests}
              rowKey={(r) => r.id}
              empty="This conversation made no requests."
              onOpen={(r) => router.push(`/admin/threads/${encodeURIComponent(r.id)}`)}
              openLabel={(r) => `Open request ${r.id}`}
            />
          </Card>
        </div>
      )}
    </div>
  );
}

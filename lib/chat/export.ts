import "server-only";
import { getDb } from "@/lib/db/client";
import { pathTo } from "./branches";
import { getOwnedSessionOrThrow } from "./sessions";

// A conversation as a file the user downloads: Markdown to read, JSON to keep or import elsewhere.

export type ExportFormat = "markdown" | "json";

function fileName(title: string, ext: string): string {
  const base =
    title
      .replace(/[^\p{L}\p{N} _-]+/gu, "")
      .trim()
      .replace(/\s+/g, "-")
      .slice(0, 60) || "conversation";
  return `${base}.${ext}`;
}

export async function exportSessionOrThrow(id: string, userId: string, format: ExportFormat): Promise<Response> {
  const session = await getOwnedSessionOrThrow(id, userId);
  const db = await getDb();
  const all = await db.message.findMany({
    where: { sessionId: id },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, role: true, text: true, model: true, partial: true, parentId: true, createdAt: true },
  });
  const leaf = await db.chatSession.findUniqueOrThrow({ where: { id }, select: { leafId: true } });
  const messages = pathTo(all, leaf.leafId);
  const body =
    format === "json"
      ? JSON.stringify(
          {
            id: session.id,
            title: session.title,
            model: session.model,
            createdAt: session.createdAt,
            exportedAt: new Date(),
            messages,
          },
          null,
          2,
        )
      : [
          `# ${session.title}`,
          "",
          ...messages.flatMap((m) => [
            `## ${m.role === "user" ? "You" : `Assistant${m.model ? ` (${m.model})` : ""}`}${m.partial ? " — stopped early" : ""}`,
            "",
            m.text,
            "",
          ]),
        ].join("\n");
  const type = format === "json" ? "application/json" : "text/markdown";
  const name = fileName(session.title, format === "json" ? "json" : "md");
  return new Response(body, {
    headers: {
      "content-type": `${type}; charset=utf-8`,
      "content-disposition": `attachment; filename="${name.replace(/[^\x20-\x7e]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      "cache-control": "no-store",
    },
  });
}

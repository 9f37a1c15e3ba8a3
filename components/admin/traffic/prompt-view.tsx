"use client";

import { Markdown } from "@/components/markdown/markdown";

// A request's prompt as stored: the OpenAI-style messages array (content a string or a list of
// parts; inline images were replaced by a "[image/png N bytes]" note before storing). Text goes
// through the sanitised Markdown component; anything else is shown as JSON text, never as HTML.

type Part = { type?: unknown; text?: unknown; image_url?: unknown };
type PromptMessage = { role?: unknown; content?: unknown; [key: string]: unknown };

function partText(part: Part): { markdown: string } | { plain: string } {
  if (part.type === "text" && typeof part.text === "string") return { markdown: part.text };
  if (part.type === "image_url") {
    const url = typeof part.image_url === "string" ? part.image_url : (part.image_url as { url?: unknown } | null)?.url;
    return { plain: `[image: ${typeof url === "string" ? url : "attached"}]` };
  }
  return { plain: JSON.stringify(part) };
}

function Content({ content }: { content: unknown }) {
  if (typeof content === "string") return <Markdown text={content} />;
  if (Array.isArray(content)) {
    return (
      <>
        {content.map((part, i) => {
          const shown = partText((part ?? {}) as Part);
          return "markdown" in shown ? (
            <Markdown key={i} text={shown.markdown} />
          ) : (
            <p key={i} className="text-xs text-zinc-500">
              {shown.plain}
            </p>
          );
        })}
      </>
    );
  }
  if (content === null || content === undefined) return null;
  return <JsonText value={content} />;
}

function JsonText({ value }: { value: unknown }) {
  return (
    <pre className="overflow-x-auto whitespace-pre-wrap break-all rounded-lg bg-zinc-50 p-2 font-mono text-xs dark:bg-zinc-900">
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

export function PromptView({ prompt }: { prompt: unknown }) {
  if (prompt === null || prompt === undefined)
    return <p className="text-sm text-zinc-500">No prompt was stored for this request.</p>;
  if (!Array.isArray(prompt)) return <JsonText value={prompt} />;
  return (
    <ol className="space-y-3" data-testid="thread-prompt">
      {(prompt as PromptMessage[]).map((m, i) => {
        const { role, content, ...rest } = m ?? {};
        return (
          <li key={i} className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
            <div className="mb-1 text-xs font-medium uppercase tracking-wide text-zinc-500">
              {typeof role === "string" ? role : "message"}
            </div>
            <Content content={content} />
            {Object.keys(rest).length > 0 && <JsonText value={rest} />}
          </li>
        );
      })}
    </ol>
  );
}

import type { FileUIPart } from "ai";

const kind: Record<string, string> = {
  "application/pdf": "PDF",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
  "text/markdown": "MD",
  "text/csv": "CSV",
  "text/plain": "TXT",
};

/** An attached document: its type and name; in a sent message, a link that downloads it again. */
export function FileChip({
  file,
  download,
}: {
  file: Pick<FileUIPart, "mediaType" | "filename" | "url">;
  download?: boolean;
}) {
  const name = file.filename ?? "attachment";
  const body = (
    <>
      <span className="rounded bg-zinc-200 px-1 text-[10px] font-semibold text-zinc-700 dark:bg-zinc-700 dark:text-zinc-200">
        {kind[file.mediaType] ?? "FILE"}
      </span>
      <span className="min-w-0 truncate">{name}</span>
    </>
  );
  const className =
    "flex h-8 max-w-[14rem] items-center gap-1.5 rounded-lg border border-zinc-300 bg-white px-2 text-xs dark:border-zinc-700 dark:bg-zinc-900";
  return download ? (
    <a
      data-testid="file-chip"
      href={file.url}
      download={name}
      title={`Download ${name}`}
      className={`${className} hover:border-zinc-500`}
    >
      {body}
    </a>
  ) : (
    <span data-testid="file-chip" title={name} className={className}>
      {body}
    </span>
  );
}

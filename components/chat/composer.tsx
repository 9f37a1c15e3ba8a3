"use client";

import type { FileUIPart } from "ai";
import { useRef, useState } from "react";
import { ATTACH_ACCEPT, readAttachments } from "./attachments";
import { FileChip } from "./file-chip";
import { CloseIcon, ImageIcon, SendIcon, StopIcon } from "./icons";

type Props = {
  busy: boolean;
  disabled: boolean;
  disabledReason?: string;
  acceptsImages: boolean;
  onSend: (text: string, files: FileUIPart[]) => void;
  onStop: () => void;
};

/** The message box: Enter sends, Shift+Enter adds a line; files (images for models that take them); Stop while answering. */
export function Composer({ busy, disabled, disabledReason, acceptsImages, onSend, onStop }: Props) {
  const [text, setText] = useState("");
  const [files, setFiles] = useState<FileUIPart[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  const picker = useRef<HTMLInputElement>(null);
  const canSend = !busy && !disabled && (text.trim() !== "" || files.length > 0);

  function send() {
    if (!canSend) return;
    onSend(text, acceptsImages ? files : files.filter((f) => !f.mediaType.startsWith("image/")));
    setText("");
    setFiles([]);
    setProblems([]);
  }

  async function attach(list: FileList | null) {
    if (!list?.length) return;
    const { parts, problems: found } = await readAttachments(list, files, acceptsImages);
    setFiles((prev) => [...prev, ...parts]);
    setProblems(found);
    if (picker.current) picker.current.value = "";
  }

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
      className="mx-auto w-full max-w-3xl px-3 pb-3 sm:px-4"
    >
      {problems.length > 0 && (
        <ul role="alert" data-testid="attachment-problems" className="mb-2 text-sm text-red-600 dark:text-red-400">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <div className="rounded-2xl border border-zinc-300 bg-white shadow-sm focus-within:border-zinc-500 dark:border-zinc-700 dark:bg-zinc-900">
        {files.length > 0 && (
          <div className="flex flex-wrap gap-2 p-2" data-testid="attachment-preview">
            {files.map((f, i) => (
              <div key={i} className="relative">
                {f.mediaType.startsWith("image/") ? (
                  <img src={f.url} alt={f.filename ?? "Attachment"} className="h-16 w-16 rounded-lg object-cover" />
                ) : (
                  <FileChip file={f} />
                )}
                <button
                  type="button"
                  aria-label={`Remove ${f.filename ?? "image"}`}
                  onClick={() => setFiles((prev) => prev.filter((_, j) => j !== i))}
                  className="absolute -right-1 -top-1 rounded-full bg-zinc-900 p-0.5 text-white"
                >
                  <CloseIcon className="h-3 w-3" />
                </button>
              </div>
            ))}
          </div>
        )}
        <textarea
          autoFocus
          data-testid="chat-input"
          aria-label="Message"
          placeholder={disabled ? disabledReason : "Send a message"}
          disabled={disabled}
          value={text}
          rows={Math.min(8, Math.max(1, text.split("\n").length))}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              send();
            }
          }}
          onPaste={(e) => e.clipboardData.files.length > 0 && void attach(e.clipboardData.files)}
          className="block max-h-60 w-full resize-none bg-transparent px-4 pt-3 text-base outline-none disabled:cursor-not-allowed sm:text-sm"
        />
        <div className="flex items-center justify-between px-2 pb-2">
          <div>
            <input
              ref={picker}
              type="file"
              accept={ATTACH_ACCEPT}
              multiple
              hidden
              data-testid="attachment-input"
              onChange={(e) => void attach(e.target.files)}
            />
            <button
              type="button"
              data-testid="attach-button"
              aria-label={acceptsImages ? "Attach files or images" : "Attach files"}
              title={acceptsImages ? "Attach files or images" : "Attach files (PDF, Word, text, Markdown, CSV, code)"}
              disabled={disabled}
              onClick={() => picker.current?.click()}
              className="rounded-lg p-2 text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800"
            >
              <ImageIcon />
            </button>
          </div>
          {busy ? (
            <button
              type="button"
              data-testid="stop-button"
              aria-label="Stop answering"
              onClick={onStop}
              className="flex items-center gap-1 rounded-lg bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white dark:bg-zinc-100 dark:text-zinc-900"
            >
              <StopIcon /> Stop
            </button>
          ) : (
            <button
              type="submit"
              data-testid="send-button"
              aria-label="Send message"
              disabled={!canSend}
              className="flex items-center gap-1 rounded-lg bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-40 dark:bg-zinc-100 dark:text-zinc-900"
            >
              Send <SendIcon />
            </button>
          )}
        </div>
      </div>
    </form>
  );
}

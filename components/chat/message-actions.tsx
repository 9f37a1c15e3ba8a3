"use client";

import { useState } from "react";
import { useCopy } from "@/lib/hooks/use-copy";
import { FlagDialog } from "./flag-dialog";
import { CopyIcon, EditIcon, FlagIcon, RetryIcon } from "./icons";

const button =
  "flex items-center gap-1 rounded-md px-1.5 py-1 text-xs text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100";

type Props = {
  text: string;
  flagged: boolean;
  onRegenerate?: () => void;
  onEdit?: () => void;
  onFlag?: (flagged: boolean, reason?: string) => Promise<void>;
};

/** Copy, regenerate (any answer), edit (any question) and flag, under a message. */
export function MessageActions({ text, flagged, onRegenerate, onEdit, onFlag }: Props) {
  const { copied, copy } = useCopy();
  const [flagging, setFlagging] = useState(false);
  return (
    <div className="mt-1 flex flex-wrap items-center gap-0.5">
      <button
        type="button"
        data-testid="message-copy"
        aria-label="Copy message"
        onClick={() => copy(text)}
        className={button}
      >
        <CopyIcon className="h-3.5 w-3.5" /> {copied ? "Copied" : "Copy"}
      </button>
      {onRegenerate && (
        <button
          type="button"
          data-testid="message-regenerate"
          aria-label="Regenerate answer"
          onClick={onRegenerate}
          className={button}
        >
          <RetryIcon className="h-3.5 w-3.5" /> Regenerate
        </button>
      )}
      {onEdit && (
        <button
          type="button"
          data-testid="message-edit"
          aria-label="Edit and resend"
          onClick={onEdit}
          className={button}
        >
          <EditIcon className="h-3.5 w-3.5" /> Edit
        </button>
      )}
      {onFlag &&
        (flagged ? (
          <button
            type="button"
            data-testid="message-unflag"
            aria-label="Remove flag"
            onClick={() => onFlag(false)}
            className={`${button} text-amber-700 dark:text-amber-400`}
          >
            <FlagIcon className="h-3.5 w-3.5" /> Flagged · undo
          </button>
        ) : (
          <button
            type="button"
            data-testid="message-flag"
            aria-label="Flag message"
            onClick={() => setFlagging(true)}
            className={button}
          >
            <FlagIcon className="h-3.5 w-3.5" /> Flag
          </button>
        ))}
      {onFlag && (
        <FlagDialog open={flagging} onClose={() => setFlagging(false)} onFlag={(reason) => onFlag(true, reason)} />
      )}
    </div>
  );
}

"use client";

import { isValidElement, useRef } from "react";
import { useCopy } from "@/lib/hooks/use-copy";

function languageOf(children: React.ReactNode): string | null {
  if (!isValidElement<{ className?: string }>(children)) return null;
  return /language-([\w+-]+)/.exec(children.props.className ?? "")?.[1] ?? null;
}

/** A fenced code block under a bar with its language and a copy button. */
export function CodeBlock(props: React.ComponentProps<"pre">) {
  const ref = useRef<HTMLPreElement>(null);
  const { copied, copy } = useCopy();
  return (
    <div className="code-block">
      <div className="flex items-center justify-between bg-zinc-100 px-3 py-1 text-xs text-zinc-500 dark:bg-zinc-800 dark:text-zinc-400">
        <span>{languageOf(props.children) ?? "code"}</span>
        <button
          type="button"
          aria-label="Copy code"
          onClick={() => copy(ref.current?.innerText ?? "")}
          className="rounded px-1.5 py-0.5 hover:bg-zinc-200 hover:text-zinc-900 dark:hover:bg-zinc-700 dark:hover:text-zinc-100"
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
      <pre ref={ref} {...props} />
    </div>
  );
}

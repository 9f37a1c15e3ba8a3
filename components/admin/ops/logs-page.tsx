"use client";

import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { Badge, Button, ErrorNote, Field, Input, PageHeader, Select } from "@/components/admin/ui";
import { LEVELS, parseLogLine } from "./log-line";
import { useLogTail } from "./use-log-tail";

const LINE_COUNTS = [100, 200, 500, 1000, 2000];
const levelColor: Record<string, string> = {
  trace: "text-zinc-400",
  debug: "text-zinc-500",
  info: "text-blue-600 dark:text-blue-400",
  warn: "text-amber-600 dark:text-amber-400",
  error: "text-red-600 dark:text-red-400",
  fatal: "text-red-700 font-bold dark:text-red-300",
};

/** The tail of the structured log, newest at the bottom, refreshed every 5 s unless paused. */
export function LogsPage() {
  const [lines, setLines] = useState(200);
  const [paused, setPaused] = useState(false);
  const [minLevel, setMinLevel] = useState(0);
  const [text, setText] = useState("");
  const { tail, error, updatedAt, reload } = useLogTail(lines, paused);
  const box = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);

  const entries = useMemo(() => {
    const needle = text.trim().toLowerCase();
    return (tail?.lines ?? [])
      .map(parseLogLine)
      .filter(
        (e) => (minLevel === 0 || (e.level ?? 0) >= minLevel) && (!needle || e.raw.toLowerCase().includes(needle)),
      );
  }, [tail, minLevel, text]);

  // Follow new lines while the reader is at the bottom; leave them be once they scroll up.
  useLayoutEffect(() => {
    const el = box.current;
    if (el && stickToBottom.current) el.scrollTop = el.scrollHeight;
  }, [entries]);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const onScroll = () => {
      stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    };
    el.addEventListener("scroll", onScroll);
    return () => el.removeEventListener("scroll", onScroll);
  }, []);

  return (
    <>
      <PageHeader
        title="Logs"
        description="The last lines of the structured log. Secrets are redacted when written."
        actions={
          <>
            {tail && <Badge>{tail.source === "file" ? "LOG_PATH file" : "this process (memory)"}</Badge>}
            <Button onClick={() => setPaused((p) => !p)} aria-pressed={paused} data-testid="logs-pause">
              {paused ? "Resume" : "Pause"}
            </Button>
            <Button onClick={() => void reload()} data-testid="logs-refresh">
              Refresh now
            </Button>
          </>
        }
      />
      <form className="mb-3 flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
        <div className="w-36">
          <Field label="Level">
            <Select value={minLevel} onChange={(e) => setMinLevel(Number(e.target.value))} data-testid="logs-level">
              <option value={0}>All</option>
              {LEVELS.map((l) => (
                <option key={l.value} value={l.value}>
                  {l.name} and above
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <div className="w-28">
          <Field label="Lines">
            <Select value={lines} onChange={(e) => setLines(Number(e.target.value))} data-testid="logs-lines">
              {LINE_COUNTS.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <div className="min-w-0 flex-1 basis-48">
          <Field label="Contains">
            <Input
              type="search"
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder="request id, model, message…"
              data-testid="logs-filter"
            />
          </Field>
        </div>
      </form>
      <ErrorNote error={error} />
      <p className="mb-1 text-xs text-zinc-500" aria-live="polite">
        {paused ? "Paused" : "Refreshing every 5 s"}
        {updatedAt && ` · updated ${updatedAt.toLocaleTimeString()}`} · {entries.length} of {tail?.lines.length ?? 0}{" "}
        lines shown
      </p>
      <div
        ref={box}
        className="h-[65vh] overflow-auto rounded-xl border border-zinc-200 bg-zinc-50 p-2 font-mono text-xs leading-5 dark:border-zinc-800 dark:bg-zinc-950"
        data-testid="logs-view"
        aria-busy={tail === null}
      >
        {tail === null ? (
          !error && <p className="text-zinc-500">Loading…</p>
        ) : entries.length === 0 ? (
          <p className="text-zinc-500" data-testid="empty-state">
            {tail.lines.length === 0 ? "The log is empty." : "No line matches the filters."}
          </p>
        ) : (
          entries.map((e, i) => (
            <div
              key={`${i}-${e.raw.length}`}
              className="whitespace-pre-wrap break-all"
              data-testid="log-line"
              data-level={e.levelName}
            >
              {e.time && <span className="text-zinc-500">{e.time} </span>}
              <span className={`uppercase ${levelColor[e.levelName] ?? ""}`}>{e.levelName.padEnd(5)} </span>
              <span>{e.msg}</span>
              {e.extra && <span className="text-zinc-500"> {e.extra}</span>}
            </div>
          ))
        )}
      </div>
    </>
  );
}

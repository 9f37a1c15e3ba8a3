"use client";

import { useEffect, useRef } from "react";

const MAX_BACKOFF_MS = 30_000;

/**
 * Follows a server-sent-events URL and hands each `data:` payload (parsed JSON) to `onData`.
 * Reconnects with backoff when the server closes the stream or answers with an error
 * (EventSource gives up on its own after an HTTP error). `url` null: not connected.
 */
export function useEventSource<T>(url: string | null, onData: (data: T) => void, onGiveUp?: (status: "error") => void) {
  const handler = useRef(onData);
  const giveUp = useRef(onGiveUp);
  useEffect(() => {
    handler.current = onData;
    giveUp.current = onGiveUp;
  });

  useEffect(() => {
    if (!url) return;
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let backoff = 1_000;
    let stopped = false;

    const connect = () => {
      source = new EventSource(url);
      source.onopen = () => {
        backoff = 1_000;
      };
      source.onmessage = (event) => {
        try {
          handler.current(JSON.parse(event.data) as T);
        } catch {
          // a malformed event is skipped; the next one carries the full state again
        }
      };
      source.onerror = () => {
        if (source?.readyState !== EventSource.CLOSED || stopped) return;
        source.close();
        giveUp.current?.("error");
        retry = setTimeout(connect, backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      };
    };
    connect();
    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      source?.close();
    };
  }, [url]);
}

import "server-only";
import { subscribe } from "./bus";

// A server-sent-events response that sends a snapshot on connect and again whenever one of the
// topics fires (coalesced), with a keep-alive comment; everything stops when the client leaves.
// It takes the client's request, not just its signal, and holds it while it runs: a Request's
// signal follows its source only while the Request itself is reachable (undici keeps the link
// weakly), so a stream holding only the signal may never hear that the client left.
export function sseSnapshots(opts: {
  request: Request;
  topics: string[];
  snapshot: () => Promise<unknown>;
  event?: string;
  keepAliveMs?: number;
}): Response {
  const { request } = opts;
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      let scheduled: NodeJS.Timeout | null = null;
      const send = async () => {
        scheduled = null;
        if (closed) return;
        try {
          const data = JSON.stringify(await opts.snapshot());
          if (!closed)
            controller.enqueue(encoder.encode(`${opts.event ? `event: ${opts.event}\n` : ""}data: ${data}\n\n`));
        } catch {
          // a failed snapshot (database away) is skipped; the next change sends a fresh one
        }
      };
      const schedule = () => {
        scheduled ??= setTimeout(send, 50);
      };
      const unsubs = opts.topics.map((t) => subscribe(t, schedule));
      const keepAlive = setInterval(
        () => !closed && controller.enqueue(encoder.encode(": keep-alive\n\n")),
        opts.keepAliveMs ?? 15_000,
      );
      cleanup = () => {
        if (closed) return;
        closed = true;
        request.signal.removeEventListener("abort", cleanup);
        clearInterval(keepAlive);
        if (scheduled) clearTimeout(scheduled);
        unsubs.forEach((u) => u());
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      if (request.signal.aborted) return cleanup();
      request.signal.addEventListener("abort", cleanup, { once: true });
      void send();
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
}

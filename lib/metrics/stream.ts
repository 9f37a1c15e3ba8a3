import "server-only";
import { config } from "@/lib/config";
import { logger } from "@/lib/logging/logger";
import { listLoadedOllamaModels } from "@/lib/ollama/client";
import { requestActivity } from "./activity";
import { createSystemSampler, type SystemMetrics } from "./system";

// Live server metrics as server-sent events: one message at once, then one per interval. The
// timer stops as soon as the client leaves (request aborted or stream cancelled).

export const METRICS_INTERVAL_MS = 5_000;

/** One message of the stream: host figures, request activity and the models Ollama has loaded. */
export type MetricsSample = { type: "metrics"; at: string } & SystemMetrics &
  Awaited<ReturnType<typeof requestActivity>> & { loadedModels: string[] };
const encoder = new TextEncoder();

/** `request` is held while the stream runs, for its signal (see lib/events/sse.ts). */
/** `present` reshapes each message (SynapseChat's /admin/ws fields, lib/compat/synapse/metrics.ts). */
export function metricsStream(opts: {
  request: Request;
  intervalMs?: number;
  present?: (message: Record<string, unknown>) => Promise<object>;
}): Response {
  const sample = createSystemSampler(config().dataDir);
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let stopped = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const interval = opts.intervalMs ?? METRICS_INTERVAL_MS;
      // One message per interval, start to start; a slow sample delays the next one (never two at once).
      const send = async () => {
        if (stopped) return;
        const started = Date.now();
        const at = new Date(started).toISOString();
        try {
          const [system, activity, loadedModels] = await Promise.all([
            sample(),
            requestActivity(),
            listLoadedOllamaModels(),
          ]);
          const native: MetricsSample = { type: "metrics", at, ...system, ...activity, loadedModels };
          const message = opts.present ? await opts.present(native) : native;
          if (!stopped) controller.enqueue(encoder.encode(`data: ${JSON.stringify(message)}\n\n`));
        } catch (err) {
          logger.warn({ err: err instanceof Error ? err.message : String(err) }, "metrics sample failed");
        }
        if (!stopped) timer = setTimeout(send, Math.max(0, interval - (Date.now() - started)));
      };
      stop = () => {
        if (stopped) return;
        stopped = true;
        clearTimeout(timer);
        opts.request.signal.removeEventListener("abort", stop);
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      if (opts.request.signal.aborted) return stop();
      opts.request.signal.addEventListener("abort", stop, { once: true });
      void send();
    },
    cancel() {
      stop();
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

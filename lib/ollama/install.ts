import "server-only";
import { type AuditEntry, writeAudit } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logging/logger";
import { refreshProviderModels } from "@/lib/providers/admin";
import { readNdjson } from "@/lib/providers/http";
import { type OllamaProvider, ollamaErrorFrom, ollamaFetch, ollamaProviderOrThrow } from "./client";
import { type OllamaPullLine, type ProgressLine, PullProgress } from "./progress";

// Installs a model with Ollama's /api/pull and relays its progress as NDJSON lines
// ({status, percent, completed, total, eta_seconds}). A download outlives the page that started
// it: when the admin's browser goes away the pull still runs to the end and the catalog is refreshed.
// Ollama answers 200 even when the pull fails at once (an unknown model: the stream's first lines
// end in {"error": "pull model manifest: file does not exist"}): the start of the stream is read
// before answering, so that failure is a plain 404/502; a later one ends the relay with an error line.

const PULL_TIMEOUT_MS = 6 * 60 * 60 * 1000;
const encoder = new TextEncoder();

type FinalLine = ProgressLine | { status: "error"; error: string; percent: number };

export async function installOllamaModel(input: {
  name: string;
  providerId?: string;
  actor: AuditEntry["actor"];
}): Promise<Response> {
  const provider = await ollamaProviderOrThrow(input.providerId);
  const res = await ollamaFetch(provider, "/api/pull", {
    method: "POST",
    body: { model: input.name, stream: true },
    signal: AbortSignal.timeout(PULL_TIMEOUT_MS),
  });
  if (!res.ok || !res.body) throw await ollamaErrorFrom(res, `Installing '${input.name}' failed`);
  const lines = readNdjson(res.body)[Symbol.asyncIterator]();
  const head = await firstProgress(lines, input.name);
  const upstream = (async function* () {
    if (head) yield head;
    for (;;) {
      const next = await lines.next();
      if (next.done) return;
      yield next.value;
    }
  })();
  let clientGone = false;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (line: ProgressLine | FinalLine) => {
        if (clientGone) return;
        try {
          controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
        } catch {
          clientGone = true;
        }
      };
      void relayPull({ provider, name: input.name, actor: input.actor, upstream, send })
        .catch((err) =>
          logger.error(
            { err: err instanceof Error ? err.message : String(err), model: input.name },
            "relaying an Ollama install failed",
          ),
        )
        .finally(() => {
          if (!clientGone) controller.close();
        });
    },
    cancel() {
      clientGone = true;
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "application/x-ndjson; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
}

/**
 * Reads the stream up to its first line with a byte count (a layer being downloaded) or its end:
 * an error before that is the whole answer. Returns that line, which the relay sends first.
 */
async function firstProgress(lines: AsyncIterator<unknown>, name: string): Promise<OllamaPullLine | null> {
  for (;;) {
    let next: IteratorResult<unknown>;
    try {
      next = await lines.next();
    } catch (err) {
      throw new AppError(
        "upstream_error",
        `Installing '${name}' failed: Ollama's answer broke off (${err instanceof Error ? err.message : String(err)})`,
      );
    }
    if (next.done) return null;
    const line = next.value as OllamaPullLine;
    if (line.error) {
      const message = String(line.error).slice(0, 300);
      // "pull model manifest: file does not exist": no such model (or tag) in the registry
      if (/manifest|not exist|not found/i.test(message))
        throw new AppError("not_found", `Installing '${name}' failed: ${message}`);
      throw new AppError("upstream_error", `Installing '${name}' failed: ${message}`);
    }
    if (typeof line.total === "number" || line.status === "success") return line;
  }
}

async function relayPull(input: {
  provider: OllamaProvider;
  name: string;
  actor: AuditEntry["actor"];
  upstream: AsyncIterable<unknown>;
  send: (line: ProgressLine | FinalLine) => void;
}) {
  const progress = new PullProgress();
  let last: ProgressLine | null = null;
  let error: string | null = null;
  let succeeded = false;
  try {
    for await (const raw of input.upstream) {
      const line = raw as OllamaPullLine;
      if (line.error) {
        error = String(line.error).slice(0, 300);
        break;
      }
      if (line.status === "success") {
        succeeded = true;
        continue;
      }
      last = progress.update(line);
      input.send(last);
    }
  } catch (err) {
    error = `the download stopped: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (!succeeded || error) {
    logger.warn({ model: input.name, provider: input.provider.name, error }, "ollama install failed");
    input.send({
      status: "error",
      error: error ?? "Ollama ended the download without reporting success",
      percent: last?.percent ?? 0,
    });
    return;
  }
  try {
    await refreshProviderModels(input.provider.id);
  } catch (err) {
    logger.warn(
      { provider: input.provider.name, err: err instanceof Error ? err.message : String(err) },
      "model refresh after install failed",
    );
  }
  await writeAudit({
    actor: input.actor,
    action: "ollama.install",
    targetType: "ollama_model",
    targetId: input.name,
    after: { provider: input.provider.name, name: input.name },
  }).catch((err) =>
    logger.error(
      { err: err instanceof Error ? err.message : String(err) },
      "audit row for an install could not be written",
    ),
  );
  input.send(progress.done());
}

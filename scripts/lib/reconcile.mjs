// The reconciliation workload, shared by `npm run soak` (two production instances) and
// test/reliability/reconciliation.test.ts (in-process, a short run): mixed streaming and plain
// requests, 5% of clients leaving mid-stream, 2% upstream errors (502s and streams cut off). Every
// request carries its id in the prompt, so the fake upstream's own count can be matched to it.

/** Prices per million tokens: whole micro-units per token, so every cost is exact. */
export const SOAK_PRICES = { input: 3, output: 7 };

export const SOAK_MODELS = [
  { publicId: "soak-stream", upstreamId: "fake-model:chunks=8:idle=10" },
  { publicId: "soak-short", upstreamId: "fake-model:chunks=3:idle=10" },
  // Reports no usage: billed from what was produced, which the fake counts the same way (streams only).
  { publicId: "soak-silent", upstreamId: "fake-model:chunks=6:idle=10:nousage" },
  // Clients leave this one after a few chunks. The long pause lets the abort land between chunks even
  // on a loaded machine: a chunk the upstream sends while the abort is on its way is one the gateway
  // never sees (a real provider bills it), and the sums would differ by it.
  { publicId: "soak-leave", upstreamId: "fake-model:chunks=12:idle=1000" },
  { publicId: "soak-502", upstreamId: "fake-model:fail=502" },
  { publicId: "soak-cut", upstreamId: "fake-model:chunks=8:cut=3:idle=10" },
];

/** What request `i` does: 2% upstream errors, 5% clients that leave, the rest a mix of streams and plain calls. */
export function planRequest(i) {
  const slot = i % 100;
  if (slot === 0) return { model: "soak-502", stream: i % 200 === 0 };
  if (slot === 50) return { model: "soak-cut", stream: true };
  if (slot % 20 === 7) return { model: "soak-leave", stream: true, leaveAfter: 1 + (i % 3) };
  if (slot % 4 === 0) return { model: i % 8 === 0 ? "soak-stream" : "soak-short", stream: false };
  const model = ["soak-stream", "soak-short", "soak-silent"][i % 3];
  return { model, stream: true, includeUsage: i % 2 === 1 };
}

const CONTENT = /"content":"tok/g;

/**
 * Sends requests until `until()` says stop, `concurrency` at a time. `send(i, body, { signal, requestId })`
 * delivers one (in-process or over HTTP) and resolves with its Response.
 */
export async function driveSoak({ send, until, concurrency = 16, prefix = "soak" }) {
  /** @type {Record<string, number>} */
  const outcomes = {};
  let next = 0;
  const one = async (i) => {
    const plan = planRequest(i);
    const requestId = `${prefix}-${i}`;
    const body = {
      model: plan.model,
      messages: [{ role: "user", content: `[${requestId}] tell me something` }],
      max_tokens: 64,
      stream: plan.stream,
      ...(plan.includeUsage ? { stream_options: { include_usage: true } } : {}),
    };
    const controller = new AbortController();
    let outcome;
    try {
      const res = await send(i, body, { signal: controller.signal, requestId });
      outcome = String(res.status);
      if (plan.leaveAfter && res.body) {
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let text = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          text += decoder.decode(value, { stream: true });
          if ((text.match(CONTENT) ?? []).length >= plan.leaveAfter) {
            controller.abort();
            await reader.cancel().catch(() => {});
            outcome = "left";
            break;
          }
        }
      } else {
        await res.text();
      }
    } catch {
      outcome = controller.signal.aborted ? "left" : "failed";
    }
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!until()) await one(next++);
    }),
  );
  return { sent: next, outcomes };
}

const idIn = (messages, prefix) => new RegExp(`\\[(${prefix}-\\d+)\\]`).exec(JSON.stringify(messages ?? ""))?.[1];

/**
 * Compares three sums that must be equal: the costs on the request records, the usage charges in
 * the ledger (negative), and the cost of what the fake upstream itself counts as served, priced
 * per request. `records`: [{ id, cost: bigint, promptTokens, completionTokens }]; `ledgerUsage`:
 * the sum of USAGE amounts (bigint, ≤ 0); `fakeReport`: GET /__fake/usage.
 */
export function reconcile({ records, ledgerUsage, fakeReport, prefix = "soak" }) {
  const upstream = new Map();
  for (const r of fakeReport.requests) {
    const id = idIn(r.messages, prefix);
    if (!id) continue;
    const u = upstream.get(id) ?? { prompt: 0, completion: 0 };
    u.prompt += r.usage.prompt;
    u.completion += r.usage.completion;
    upstream.set(id, u);
  }
  const price = (u) => BigInt(u.prompt * SOAK_PRICES.input + u.completion * SOAK_PRICES.output);
  let upstreamCost = 0n;
  for (const u of upstream.values()) upstreamCost += price(u);
  const requestCosts = records.reduce((n, r) => n + r.cost, 0n);
  const mismatches = [];
  for (const r of records) {
    const u = upstream.get(r.id) ?? { prompt: 0, completion: 0 };
    if (r.cost !== price(u))
      mismatches.push({
        id: r.id,
        status: r.status,
        billed: { prompt: r.promptTokens, completion: r.completionTokens, cost: String(r.cost) },
        served: { ...u, cost: String(price(u)) },
      });
  }
  const billedIds = new Set(records.map((r) => r.id));
  for (const [id, u] of upstream)
    if (!billedIds.has(id)) mismatches.push({ id, billed: null, served: { ...u, cost: String(price(u)) } });
  return {
    requestCosts,
    ledgerCharges: -ledgerUsage,
    upstreamCost,
    mismatches,
    ok: requestCosts === -ledgerUsage && requestCosts === upstreamCost && mismatches.length === 0,
  };
}

import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import { startOfUtcDay } from "@/lib/clock";
import type { Usage } from "@/lib/providers/types";
import type { Reservation } from "./reserve";
import type { Principal } from "./principal";

export type RequestOutcome = {
  reservation: Reservation;
  principal: Principal;
  model: string;
  providerName: string | null;
  region: string | null;
  status: "OK" | "PARTIAL" | "ERROR" | "ABORTED";
  usage: Usage;
  usageEstimated: boolean;
  cost: bigint;
  latencyMs: number;
  ttftMs: number | null;
  error: string | null;
  reply: string;
  attempts: number;
  finishedAt: Date;
  /** Chat page requests name their session; API requests are grouped by these two keys. */
  sessionId?: string;
  sessionKey?: { header?: string; priorHash: string; nextHash: string; title: string };
};

type Tx = Prisma.TransactionClient;

export type ReleaseOnly = {
  reservation: Reservation;
  status: "ERROR" | "ABORTED";
  error: string;
  model: string;
  latencyMs: number;
  attempts: number;
};

type LimitDelta = { money: bigint; tokensReserved: bigint; cost: bigint; tokens: bigint; charges: Array<{ requestId: string; model: string; cost: bigint; tokens: bigint }> };

/**
 * Writes a batch of finished requests in the caller's transaction: each request's record, session
 * and daily usage first; then, per level touched, ONE update that releases the reservations and
 * takes the real costs, and the ledger rows with the balance after each charge. Limit rows are
 * therefore locked only at the very end of the transaction, briefly.
 */
export async function settleBatch(tx: Tx, items: Array<{ outcome: RequestOutcome } | { release: ReleaseOnly }>): Promise<void> {
  const deltas = new Map<string, LimitDelta>();
  const delta = (id: string) => {
    let d = deltas.get(id);
    if (!d) deltas.set(id, (d = { money: 0n, tokensReserved: 0n, cost: 0n, tokens: 0n, charges: [] }));
    return d;
  };
  for (const item of items) {
    if ("release" in item) {
      const r = item.release;
      await tx.request.update({
        where: { id: r.reservation.requestId },
        data: { status: r.status, error: r.error, model: r.model, latencyMs: r.latencyMs, attempts: r.attempts, settledAt: new Date() },
      });
      for (const id of r.reservation.limitIds) {
        const d = delta(id);
        d.money += r.reservation.money;
        d.tokensReserved += r.reservation.tokens;
      }
      continue;
    }
    const o = item.outcome;
    await writeRequestRecord(tx, o);
    const tokens = BigInt(o.usage.promptTokens + o.usage.completionTokens);
    for (const id of o.reservation.limitIds) {
      const d = delta(id);
      d.money += o.reservation.money;
      d.tokensReserved += o.reservation.tokens;
      d.cost += o.cost;
      d.tokens += tokens;
      d.charges.push({ requestId: o.reservation.requestId, model: o.model, cost: o.cost, tokens });
    }
  }
  for (const [limitId, d] of [...deltas].sort(([a], [b]) => a.localeCompare(b))) {
    const [row] = await tx.$queryRaw<Array<{ balance: unknown; tokenAllowance: unknown }>>`
      UPDATE "Limit" SET
        "reserved" = "reserved" - ${d.money},
        "monthReserved" = GREATEST("monthReserved" - ${d.money}, 0),
        "tokenReserved" = GREATEST("tokenReserved" - ${d.tokensReserved}, 0),
        "balance" = CASE WHEN "balance" IS NULL THEN NULL ELSE "balance" - ${d.cost} END,
        "monthSpent" = "monthSpent" + ${d.cost},
        "tokenAllowance" = CASE WHEN "tokenAllowance" IS NULL THEN NULL ELSE "tokenAllowance" - ${d.tokens} END,
        "updatedAt" = now()
      WHERE "id" = ${limitId}
      RETURNING "balance", "tokenAllowance"`;
    if (!row) continue; // the level was deleted meanwhile
    await tx.transaction.createMany({ data: ledgerRows(limitId, d, row.balance, row.tokenAllowance) });
  }
}

// The update returned the balance after all of the batch's charges; walking back from it gives
// the balance after each one, in order.
function ledgerRows(limitId: string, d: LimitDelta, balance: unknown, tokenAllowance: unknown) {
  const rows: Prisma.TransactionCreateManyInput[] = [];
  let money = balance === null ? null : BigInt(balance as string) + d.cost;
  let tokens = tokenAllowance === null ? null : BigInt(tokenAllowance as string) + d.tokens;
  const base = Date.now();
  d.charges.forEach((c, i) => {
    const createdAt = new Date(base + i);
    if (money !== null && c.cost > 0n) {
      money -= c.cost;
      rows.push({ limitId, kind: "USAGE", amount: -c.cost, balanceAfter: money, requestId: c.requestId, note: c.model, createdAt });
    }
    if (tokens !== null && c.tokens > 0n) {
      tokens -= c.tokens;
      rows.push({ limitId, kind: "USAGE", unit: "TOKENS", amount: -c.tokens, balanceAfter: tokens, requestId: c.requestId, note: c.model, createdAt });
    }
  });
  return rows;
}

async function writeRequestRecord(tx: Tx, o: RequestOutcome): Promise<void> {
  const r = o.reservation;
  const sessionId = o.sessionId ?? (o.sessionKey ? await apiSessionFor(tx, o) : null);
  await tx.request.update({
    where: { id: r.requestId },
    data: {
      status: o.status,
      model: o.model,
      providerName: o.providerName,
      region: o.region,
      promptTokens: o.usage.promptTokens,
      completionTokens: o.usage.completionTokens,
      cachedTokens: o.usage.cachedTokens,
      reasoningTokens: o.usage.reasoningTokens,
      usageEstimated: o.usageEstimated,
      cost: o.cost,
      latencyMs: o.latencyMs,
      ttftMs: o.ttftMs,
      error: o.error,
      reply: o.reply,
      attempts: o.attempts,
      sessionId,
      settledAt: o.finishedAt,
    },
  });
  if (o.usage.promptTokens + o.usage.completionTokens > 0 || o.cost > 0n) {
    const day = startOfUtcDay(o.finishedAt);
    await tx.$executeRaw`
      INSERT INTO "UsageDaily" ("id", "day", "userId", "groupId", "apiKeyId", "model", "requests", "promptTokens", "completionTokens", "cost")
      VALUES (${`${day.toISOString().slice(0, 10)}:${o.principal.userId}:${o.principal.key?.id ?? ""}:${o.model}`}, ${day}::date, ${o.principal.userId},
              ${o.principal.groupId ?? ""}, ${o.principal.key?.id ?? ""}, ${o.model}, 1, ${o.usage.promptTokens}, ${o.usage.completionTokens}, ${o.cost})
      ON CONFLICT ("day", "userId", "apiKeyId", "model") DO UPDATE SET
        "requests" = "UsageDaily"."requests" + 1,
        "promptTokens" = "UsageDaily"."promptTokens" + EXCLUDED."promptTokens",
        "completionTokens" = "UsageDaily"."completionTokens" + EXCLUDED."completionTokens",
        "cost" = "UsageDaily"."cost" + EXCLUDED."cost"`;
  }
}

/** Releases a reservation that produced nothing billable (rejected upstream, crash recovery). */
export async function releaseReservation(tx: Tx, reservation: Pick<Reservation, "limitIds" | "money" | "tokens">): Promise<void> {
  for (const limitId of reservation.limitIds) {
    await tx.$executeRaw`
      UPDATE "Limit" SET
        "reserved" = "reserved" - ${reservation.money},
        "monthReserved" = GREATEST("monthReserved" - ${reservation.money}, 0),
        "tokenReserved" = GREATEST("tokenReserved" - ${reservation.tokens}, 0),
        "updatedAt" = now()
      WHERE "id" = ${limitId}`;
  }
}

// API clients are stateless: a request continues the session whose last exchange equals this
// request's prior messages (or that carries the same x-session-id header).
async function apiSessionFor(tx: Tx, o: RequestOutcome): Promise<string> {
  const key = o.sessionKey!;
  const userId = o.principal.userId;
  const lookup = key.header ? `hdr:${key.header}` : key.priorHash;
  const existing = await tx.chatSession.findFirst({
    where: { userId, conversationHash: lookup },
    orderBy: { updatedAt: "desc" },
    select: { id: true },
  });
  const nextHash = key.header ? `hdr:${key.header}` : key.nextHash;
  if (existing) {
    await tx.chatSession.update({ where: { id: existing.id }, data: { conversationHash: nextHash, model: o.model } });
    return existing.id;
  }
  const created = await tx.chatSession.create({
    data: { userId, apiKeyId: o.principal.key?.id ?? null, source: "API", title: key.title || "API conversation", model: o.model, conversationHash: nextHash },
    select: { id: true },
  });
  return created.id;
}

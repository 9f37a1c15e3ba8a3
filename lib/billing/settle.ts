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

/**
 * Turns a reservation into the real charge on every level it touched: the reserved amounts are
 * released, the cost is taken from each balance with a ledger row carrying the balance after,
 * and the request, its session and the daily usage rollup are written — in the caller's transaction.
 */
export async function settleRequest(tx: Tx, o: RequestOutcome): Promise<void> {
  const r = o.reservation;
  const tokens = BigInt(o.usage.promptTokens + o.usage.completionTokens);
  for (const limitId of r.limitIds) {
    const [row] = await tx.$queryRaw<Array<{ balance: unknown; tokenAllowance: unknown }>>`
      UPDATE "Limit" SET
        "reserved" = "reserved" - ${r.money},
        "monthReserved" = GREATEST("monthReserved" - ${r.money}, 0),
        "tokenReserved" = GREATEST("tokenReserved" - ${r.tokens}, 0),
        "balance" = CASE WHEN "balance" IS NULL THEN NULL ELSE "balance" - ${o.cost} END,
        "monthSpent" = "monthSpent" + ${o.cost},
        "tokenAllowance" = CASE WHEN "tokenAllowance" IS NULL THEN NULL ELSE "tokenAllowance" - ${tokens} END,
        "updatedAt" = now()
      WHERE "id" = ${limitId}
      RETURNING "balance", "tokenAllowance"`;
    if (!row) continue; // the level was deleted meanwhile
    if (row.balance !== null && o.cost > 0n) {
      await tx.transaction.create({
        data: { limitId, kind: "USAGE", amount: -o.cost, balanceAfter: BigInt(row.balance as string), requestId: r.requestId, note: o.model },
      });
    }
    if (row.tokenAllowance !== null && tokens > 0n) {
      await tx.transaction.create({
        data: { limitId, kind: "USAGE", unit: "TOKENS", amount: -tokens, balanceAfter: BigInt(row.tokenAllowance as string), requestId: r.requestId, note: o.model },
      });
    }
  }
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

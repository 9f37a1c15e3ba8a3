// What the reliability tests read back after a run: money still reserved, requests still PENDING,
// one key's wallet, and a chat request sent the way an HTTP client would.

import { flushRecords } from "@/lib/billing/recorder";
import { getDb } from "@/lib/db/client";
import { gatewayFetch } from "./gateway";

/** `requestId` becomes the record's id (the gateway takes x-request-id), so a test can find it. */
export function postCompletion(
  key: string,
  body: Record<string, unknown>,
  opts: { signal?: AbortSignal; requestId?: string } = {},
): Promise<Response> {
  return gatewayFetch("http://tollgate.test/v1/chat/completions", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${key}`,
      ...(opts.requestId ? { "x-request-id": opts.requestId } : {}),
    },
    body: JSON.stringify(body),
    signal: opts.signal,
  });
}

/** Money and tokens reserved on every wallet, and requests not yet settled — all 0 when nothing is in flight. */
export async function inFlight(): Promise<{
  reserved: bigint;
  monthReserved: bigint;
  tokenReserved: bigint;
  pending: number;
}> {
  await flushRecords();
  const db = await getDb();
  const sums = await db.limit.aggregate({ _sum: { reserved: true, monthReserved: true, tokenReserved: true } });
  const pending = await db.request.count({ where: { status: "PENDING" } });
  return {
    reserved: sums._sum.reserved ?? 0n,
    monthReserved: sums._sum.monthReserved ?? 0n,
    tokenReserved: sums._sum.tokenReserved ?? 0n,
    pending,
  };
}

export const NOTHING_IN_FLIGHT = { reserved: 0n, monthReserved: 0n, tokenReserved: 0n, pending: 0 };

export async function walletOf(keyId: string) {
  const db = await getDb();
  return db.limit.findUniqueOrThrow({ where: { apiKeyId: keyId } });
}

/** The settled record of one request, waiting for the recorder. */
export async function recordOf(requestId: string) {
  await flushRecords();
  const db = await getDb();
  return db.request.findUniqueOrThrow({ where: { id: requestId } });
}

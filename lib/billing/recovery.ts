import "server-only";
import { getDb, transactionRows } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logging/logger";
import { instanceId } from "./instance";
import { releaseLeaseRows, releaseReservation } from "./limit-rows";

// Every instance heartbeats; reservations of requests whose instance stopped heartbeating (a
// crash, a kill -9) are released, at start-up and periodically, so money is never stuck.
const HEARTBEAT_MS = 10_000;
const DEAD_AFTER_MS = 60_000;

export async function heartbeat(): Promise<void> {
  const db = await getDb();
  const id = instanceId();
  await db.instance.upsert({ where: { id }, create: { id }, update: { heartbeatAt: new Date() } });
}

/**
 * `soleInstance`: the embedded database has exactly one process, so at its start every PENDING
 * request of another instance id is orphaned, however recent its heartbeat.
 */
export async function releaseOrphanedReservations(options: { soleInstance?: boolean } = {}): Promise<number> {
  const db = await getDb();
  const alive = options.soleInstance
    ? []
    : await db.instance.findMany({
        where: { heartbeatAt: { gte: new Date(Date.now() - DEAD_AFTER_MS) } },
        select: { id: true },
      });
  const aliveIds = new Set([...alive.map((i) => i.id), instanceId()]);
  const pending = await db.request.findMany({
    where: { status: "PENDING" },
    select: { id: true, instanceId: true, limitIds: true, reserved: true, reservedTokens: true },
  });
  let released = 0;
  for (const req of pending) {
    if (req.instanceId && aliveIds.has(req.instanceId)) continue;
    await transactionRows(async (run) => {
      const claimed = await run(Prisma.sql`
        UPDATE "Request" SET "status" = 'ERROR', "error" = 'released: the instance serving this request stopped', "settledAt" = ${new Date()}::timestamp
        WHERE "id" = ${req.id}::text AND "status" = 'PENDING'
        RETURNING "id"`);
      if (claimed.length === 1)
        await releaseReservation(run, { limitIds: req.limitIds, money: req.reserved, tokens: req.reservedTokens });
    });
    released++;
  }
  // Budget leases of stopped instances: whatever they still held goes back to their levels.
  const leases = await db.lease.findMany({ select: { id: true, instanceId: true } });
  const orphaned = leases.filter((l) => !aliveIds.has(l.instanceId)).map((l) => l.id);
  const leasesReleased = orphaned.length ? await transactionRows((run) => releaseLeaseRows(run, orphaned)) : 0;
  await db.instance.deleteMany({ where: { heartbeatAt: { lt: new Date(Date.now() - 24 * 3600_000) } } });
  if (released || leasesReleased)
    logger.warn({ released, leasesReleased }, "released reservations left by a stopped instance");
  return released;
}

const globalForRecovery = globalThis as unknown as { tollgateHeartbeat?: NodeJS.Timeout };

export async function startRecovery(options: { soleInstance: boolean }): Promise<void> {
  await heartbeat();
  await releaseOrphanedReservations(options);
  if (globalForRecovery.tollgateHeartbeat) return;
  let ticks = 0;
  globalForRecovery.tollgateHeartbeat = setInterval(() => {
    heartbeat()
      .then(() => (++ticks % 6 === 0 ? releaseOrphanedReservations() : 0))
      .catch((err) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, "heartbeat failed"));
  }, HEARTBEAT_MS);
  globalForRecovery.tollgateHeartbeat.unref();
}

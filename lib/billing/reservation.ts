import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Lease } from "./lease";
import type { Principal } from "./principal";

// A reservation as the pipeline carries it to settlement, and the columns of a request's row that
// it fills: shared by reserve.ts (the PENDING row) and settle.ts (the record written in one insert).

export type Reservation = {
  requestId: string;
  money: bigint;
  tokens: bigint;
  limitIds: string[];
  /** The request's PENDING row as reserved: settlement writes the record from it where there is no row (leased, or lost; settle.ts). */
  pending: PendingRow;
  /** Admitted against this instance's budget lease (lease.ts): no PENDING row, settlement writes the record. */
  lease?: Lease;
};

export type PendingRow = {
  userId: string;
  apiKeyId: string | null;
  source: Principal["source"];
  model: string;
  stream: boolean;
  /**
   * The prompt's JSON text, built when a statement first needs it and kept: before the upstream
   * call on the exact path (the PENDING row holds it), at settlement for a request admitted against
   * a lease (no row until then) — so a large prompt is not serialised on that request's way.
   */
  prompt: () => string;
  instanceId: string;
  createdAt: Date;
};

/** What a request's row holds from its reservation on, whatever its outcome. */
export const reservedColumns = Prisma.sql`"id", "userId", "apiKeyId", "source", "requestedModel", "stream",
      "reserved", "reservedTokens", "limitIds", "instanceId", "prompt", "createdAt"`;
/** The values of reservedColumns. */
export function reservedValues(
  requestId: string,
  row: PendingRow,
  reserved: { money: bigint; tokens: bigint },
  limitIds: Prisma.Sql,
): Prisma.Sql {
  return Prisma.sql`${requestId}, ${row.userId}, ${row.apiKeyId}, ${row.source}::"SessionSource", ${row.model}, ${row.stream}::boolean,
      ${reserved.money}::bigint, ${reserved.tokens}::bigint, ${limitIds}, ${row.instanceId}, ${row.prompt()}::json, ${row.createdAt}::timestamp`;
}

/** A reservation's values of reservedColumns, for settlement to write its record in one insert. */
export function reservationValues(r: Reservation): Prisma.Sql {
  return reservedValues(r.requestId, r.pending, r, Prisma.sql`${r.limitIds}::text[]`);
}

import { Prisma } from "@/lib/generated/prisma/client";

export function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";
}

export function isNotFound(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2025";
}

// Prisma's codes for "cannot reach / lost the database", and the driver adapter's error kinds
// for the same (a raw query reports them under P2010 with the adapter's cause).
const UNAVAILABLE_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const UNAVAILABLE_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
/** PostgreSQL's own: 57P0x (shutting down, starting up), 08xxx (connection exceptions). */
const UNAVAILABLE_SQLSTATE = /^(57P0|08)/;

/**
 * node-postgres's own words for a connection it lost: what a statement run straight on the driver
 * (queryRows, transactionRows) or a Prisma transaction whose connection broke rejects with.
 */
const LOST_CONNECTION = /^(Connection terminated|Client has encountered a connection error)/;

/** The database is down, restarting or out of connections — as opposed to a bad query or row. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientInitializationError) return true;
  if (!(err instanceof Prisma.PrismaClientKnownRequestError)) return isDriverUnavailable(err);
  if (UNAVAILABLE_CODES.has(err.code)) return true;
  const cause = (err.meta?.driverAdapterError as { cause?: { kind?: string; code?: string } } | undefined)?.cause;
  if (!cause?.kind) return false;
  return (
    UNAVAILABLE_KINDS.has(cause.kind) || (cause.kind === "postgres" && UNAVAILABLE_SQLSTATE.test(cause.code ?? ""))
  );
}

/** The same from the driver itself: PostgreSQL's 57P0x and 08xxx, or a connection node-postgres lost. */
function isDriverUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return (typeof code === "string" && UNAVAILABLE_SQLSTATE.test(code)) || LOST_CONNECTION.test(err.message);
}

// SQLSTATE classes of a database that is away or busy rather than of a bad statement or row:
// connection exceptions, transaction rollbacks (serialization failures, deadlocks), insufficient
// resources, operator intervention (shutting down, cancelled), system errors.
const TRANSIENT_SQLSTATE = /^(08|40|53|57|58)/;

/**
 * An error the driver (pg, PGlite) raised for the statement or its rows — a constraint, bad data —
 * which the same statement would raise again; anything else (no connection, a reset socket, a
 * database shutting down) may pass on a retry.
 */
export function isDriverRecordError(err: unknown): boolean {
  const e = err as { code?: unknown; severity?: unknown } | null;
  return (
    typeof e?.code === "string" &&
    typeof e.severity === "string" &&
    /^[0-9A-Z]{5}$/.test(e.code) &&
    !TRANSIENT_SQLSTATE.test(e.code)
  );
}

// "Nothing written": a digest of every table's rows, taken before and after a request. Any insert,
// update or delete in any table changes it — except the instance heartbeat (lib/billing/recovery.ts),
// which a timer writes every few seconds whatever the requests do, and a sign-in session's
// lastSeenAt, which any authenticated request may touch (lib/auth/auth-sessions.ts).

import { flushRecords } from "@/lib/billing/recorder";
import { getDb } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { backgroundSettled } from "@/lib/shutdown";

export async function databaseDigest(): Promise<Record<string, string>> {
  // Work earlier requests left running (a chat title), their records written in batches, and
  // budget leases drained: let all of it land first.
  await backgroundSettled();
  await flushRecords();
  const db = await getDb();
  const tables = await db.$queryRaw<Array<{ name: string }>>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT IN ('_prisma_migrations', 'Instance')
    ORDER BY table_name`;
  const digest: Record<string, string> = {};
  for (const { name } of tables) {
    // A table name from the catalogue, quoted as an identifier (it cannot be a bound parameter).
    const table = Prisma.raw(`"${name.replace(/"/g, '""')}"`);
    const [row] = await db.$queryRaw<
      Array<{ d: string | null }>
    >`SELECT md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) AS d FROM (SELECT to_jsonb(t) - 'lastSeenAt' AS r FROM ${table} t) s`;
    digest[name] = row.d ?? "";
  }
  return digest;
}

// What a statement meets when PostgreSQL stops under it, on every way the app reaches the database:
// Prisma's queries and transactions, and statements straight on the driver (queryRows,
// transactionRows). Each must read as "the database is unavailable" (a 503 the client may retry,
// lib/api/handler.ts), never as an internal error; a bad statement must not.
// Runs on a PostgreSQL cluster of its own (initdb in a temp dir); the shared one is never stopped.
import { afterAll, beforeAll, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { closeDb, getDb, queryRows, transactionRows } from "@/lib/db/client";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { startApp } from "../helpers/app";
import { userWithKey } from "../helpers/gateway";
import { startPostgresCluster } from "../helpers/services";

const cluster = await startPostgresCluster();
await closeDb(); // the file's own database (embedded or shared): this test brings its own
process.env.DATABASE_URL = cluster.url;
resetConfig();

beforeAll(async () => {
  await startApp();
}, 60_000);
afterAll(async () => {
  await closeDb();
  await cluster.destroy();
});

it("reads every way a stopped PostgreSQL fails a statement as 'unavailable', and a bad statement not", {
  timeout: 60_000,
}, async () => {
  const { keyId } = await userWithKey({ limits: { balance: 100n } });
  const db = await getDb();
  const row = await db.limit.findFirstOrThrow({ where: { apiKeyId: keyId } });

  // A bad statement on the driver is the statement's fault.
  const duplicate = await queryRows(
    Prisma.sql`INSERT INTO "Limit" ("id", "scope", "updatedAt") VALUES (${row.id}, 'KEY', now())`,
  ).catch((e: unknown) => e);
  expect((duplicate as { code?: string }).code).toBe("23505");
  expect(isDatabaseUnavailable(duplicate)).toBe(false);
  expect(isDatabaseUnavailable(new Error("boom"))).toBe(false);

  // Each way in waits on the key's row, held by a transaction, when PostgreSQL stops.
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => {
    locked = r;
  });
  const holder = db
    .$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM "Limit" WHERE "id" = ${row.id} FOR UPDATE`;
        locked();
        await new Promise((r) => setTimeout(r, 3_000));
      },
      { timeout: 20_000 },
    )
    .then(
      () => null,
      (e: unknown) => e,
    );
  await isLocked;
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: unknown) => e,
    );
  const waiting = {
    prismaUpdate: failure(db.limit.update({ where: { id: row.id }, data: { balance: 5n } })),
    prismaTransaction: failure(
      db.$transaction(async (tx) => tx.limit.update({ where: { id: row.id }, data: { balance: 6n } })),
    ),
    queryRows: failure(queryRows(Prisma.sql`SELECT 1 FROM "Limit" WHERE "id" = ${row.id} FOR UPDATE`)),
    transactionRows: failure(
      transactionRows((run) => run(Prisma.sql`UPDATE "Limit" SET "balance" = 7 WHERE "id" = ${row.id}`)),
    ),
  };
  await new Promise((r) => setTimeout(r, 200));
  await cluster.stop();
  const errors: Record<string, unknown> = { holder: await holder };
  for (const [way, p] of Object.entries(waiting)) errors[way] = await p;
  // Once it is down, a new Prisma query. (On the driver, a new connection is refused with Node's own
  // ECONNREFUSED, which says nothing of whose it was: the reservation, leases and settlement, the
  // only callers of queryRows and transactionRows, answer it themselves.)
  errors.prismaAfter = await failure(db.limit.findFirst({ where: { id: row.id } }));
  const refused = await failure(queryRows(Prisma.sql`SELECT 1`));
  expect((refused as { code?: string }).code).toBe("ECONNREFUSED");
  for (const [way, err] of Object.entries(errors)) {
    expect(err, way).toBeInstanceOf(Error);
    expect(
      isDatabaseUnavailable(err),
      `${way}: ${(err as Error).constructor.name} ${(err as { code?: string }).code} ${(err as Error).message}`,
    ).toBe(true);
  }
  await cluster.start();
});

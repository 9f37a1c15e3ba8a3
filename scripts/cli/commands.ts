// The data commands of `tollgate`: each validates with the schema the admin API uses and calls the
// same lib/ function, so the CLI and the API cannot disagree (and both write the audit log).
import { parseWith } from "@/lib/api/body";
import { parseAmountOrThrow, rechargeWallet } from "@/lib/billing/ledger";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { applyApiKey, revokeApiKeyAsAdmin } from "@/lib/keys/admin";
import { migrateDatabase } from "@/lib/startup";
import { createUserAsAdmin } from "@/lib/users/admin";
import { apiKeyApplySchema, userCreateSchema } from "@/lib/validations/admin";
import { emailSchema } from "@/lib/validations/auth";
import { assertMigratedOrThrow, assertNoEmbeddedServerOrThrow } from "./guards";

type Values = Record<string, string | undefined>;

const CLI_ACTOR = { userId: null, email: "cli" };

function required(values: Values, name: string): string {
  const value = values[name];
  if (!value) throw new AppError("validation_error", `--${name} is required`);
  return value;
}

async function ready(): Promise<void> {
  await assertNoEmbeddedServerOrThrow();
  await assertMigratedOrThrow();
}

export async function createAdmin(values: Values): Promise<number> {
  const fields = parseWith(userCreateSchema, {
    email: required(values, "email"),
    password: required(values, "password"),
    name: values.name,
    role: "ADMIN",
  });
  await ready();
  const { user } = await createUserAsAdmin({ fields, actor: CLI_ACTOR });
  console.log(`Created administrator ${user.email} (id ${user.id})`);
  return 0;
}

export async function createKey(values: Values): Promise<number> {
  const fields = parseWith(apiKeyApplySchema, {
    email: required(values, "email"),
    name: required(values, "name"),
    balance: values.balance,
    models: values.models
      ?.split(",")
      .map((m) => m.trim())
      .filter(Boolean),
    expiry: values.expires,
  });
  await ready();
  const result = await applyApiKey({
    fields,
    actor: CLI_ACTOR,
    baseUrl: process.env.NEXTAUTH_URL ?? `http://localhost:${config().PORT}`,
  });
  if (result.created_user) console.log(`Created user ${result.user.email} (id ${result.user.id})`);
  console.log(
    `Created API key "${result.api_key.name}" (id ${result.api_key.id}, prefix ${result.api_key.prefix}) for ${result.user.email}`,
  );
  console.log(result.key);
  console.log("Store it now: it is not shown again.");
  return 0;
}

export async function revokeKey(values: Values): Promise<number> {
  if (!values.id === !values.prefix) throw new AppError("validation_error", "give either --id or --prefix");
  await ready();
  const db = await getDb();
  const matches = await db.apiKey.findMany({
    where: values.id ? { id: values.id } : { prefix: values.prefix },
    select: { id: true },
    take: 2,
  });
  if (matches.length === 0) throw new AppError("not_found", "API key not found");
  if (matches.length > 1) throw new AppError("conflict", "More than one key has this prefix: use --id");
  const key = await revokeApiKeyAsAdmin({ id: matches[0].id, actor: CLI_ACTOR });
  console.log(`Revoked API key "${key.name}" (id ${key.id}, prefix ${key.prefix}) of ${key.user.email}`);
  return 0;
}

export async function rechargeUser(values: Values): Promise<number> {
  const email = parseWith(emailSchema, required(values, "email"));
  const amount = parseAmountOrThrow(required(values, "amount"), "amount");
  await ready();
  const db = await getDb();
  const user = await db.user.findUnique({ where: { email }, select: { id: true, email: true } });
  if (!user) throw new AppError("not_found", `No user with the email ${email}`);
  const idempotencyKey = values["idempotency-key"];
  const result = await rechargeWallet({
    target: { userId: user.id },
    amount,
    idempotencyKey: idempotencyKey ? `user:${user.id}:${idempotencyKey}` : undefined,
    note: "recharge (CLI)",
    actor: CLI_ACTOR,
  });
  const what = result.replayed ? "Already recharged with this idempotency key" : "Recharged";
  console.log(
    `${what}: ${user.email} +${result.amount}, balance ${result.balance} (transaction ${result.transactionId})`,
  );
  return 0;
}

export async function migrate(): Promise<number> {
  await assertNoEmbeddedServerOrThrow();
  const applied = await migrateDatabase();
  console.log(
    applied.length
      ? `Applied ${applied.length} migration(s):\n${applied.map((m) => `  ${m}`).join("\n")}`
      : "The database is up to date.",
  );
  return 0;
}

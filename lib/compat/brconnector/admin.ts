import "server-only";
import type { z } from "zod";
import type { AuditEntry } from "@/lib/audit";
import { getDb } from "@/lib/db/client";
import { applyApiKey, listApiKeys, rechargeApiKey, updateApiKeyAsAdmin } from "@/lib/keys/admin";
import { groupIdFor, keyIdOrThrow, ownerlessEmail } from "./ids";
import type { brApplySchema, brRechargeSchema, brUpdateSchema } from "./schemas";

// BRConnector's admin API over lib/keys/admin: its shapes in, the same functions, its numbers out.
// A key's `id` is its number (as BRConnector's clients store it); `tollgate_id` is Tollgate's own.

type Actor = AuditEntry["actor"];
type KeyLike = { id: string };

async function numbersFor(ids: string[]): Promise<Map<string, number>> {
  const db = await getDb();
  const rows = await db.apiKey.findMany({ where: { id: { in: ids } }, select: { id: true, seq: true } });
  return new Map(rows.map((r) => [r.id, r.seq]));
}

async function withNumbers<T extends KeyLike>(
  keys: T[],
): Promise<Array<Omit<T, "id"> & { id: number; tollgate_id: string }>> {
  const seq = await numbersFor(keys.map((k) => k.id));
  return keys.map((k) => ({ ...k, id: seq.get(k.id)!, tollgate_id: k.id }));
}

export async function applyBrKey(input: { fields: z.infer<typeof brApplySchema>; actor: Actor; baseUrl: string }) {
  const { email, group_id, ...rest } = input.fields;
  const result = await applyApiKey({
    fields: { ...rest, email: email || ownerlessEmail(rest.name), group_id: await groupIdFor(group_id, input.actor) },
    actor: input.actor,
    baseUrl: input.baseUrl,
  });
  const [apiKey] = await withNumbers([result.api_key]);
  return { ...result, id: apiKey.id, api_key: apiKey };
}

export async function updateBrKey(input: { fields: z.infer<typeof brUpdateSchema>; actor: Actor }) {
  const fields = { ...input.fields, id: await keyIdOrThrow(input.fields.id) };
  const [apiKey] = await withNumbers([await updateApiKeyAsAdmin({ fields, actor: input.actor })]);
  return { api_key: apiKey };
}

export async function rechargeBrKey(input: {
  body: z.infer<typeof brRechargeSchema>;
  idempotencyKey?: string;
  actor: Actor;
}) {
  const b = input.body;
  const id = b.id === undefined ? undefined : await keyIdOrThrow(b.id);
  const result = await rechargeApiKey({
    ref: { apiKey: b.api_key, id },
    amount: b.amount ?? b.balance,
    idempotencyKey: input.idempotencyKey,
    note: b.note,
    actor: input.actor,
  });
  const seq = await numbersFor([result.api_key_id]);
  return { ...result, api_key_id: seq.get(result.api_key_id)!, tollgate_id: result.api_key_id };
}

export async function listBrKeys(input: Parameters<typeof listApiKeys>[0]) {
  const { total, items } = await listApiKeys(input);
  return { total, items: await withNumbers(items) };
}

import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { adjustWallet } from "@/lib/billing/ledger";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { createUser } from "@/lib/users/accounts";
import { emailSchema } from "@/lib/validations/auth";

// Another system (a CRM) sets a user's token quota by its own id. Requests are signed:
//   x-tollgate-timestamp: unix seconds;  x-tollgate-signature: hex HMAC-SHA256(secret, `${timestamp}.${body}`)
// A timestamp more than five minutes off, or a signature seen before, is refused.
const MAX_SKEW_S = 300;

export const integrationTokensSchema = z
  .object({
    external_id: z.string().trim().min(1, "is required").max(128),
    email: emailSchema.optional(),
    name: z.string().max(100).optional(),
    token_allowance: z.union([
      z.number().int().min(0).max(1e15),
      z.string().regex(/^\d{1,15}$/, "must be a whole number"),
    ]),
    grant_amount: z.union([z.number().int().min(0).max(1e15), z.string().regex(/^\d{1,15}$/)]).nullish(),
    grant_period_seconds: z
      .number()
      .int()
      .positive()
      .max(366 * 86400)
      .nullish(),
  })
  .strict();

export async function verifySignatureOrThrow(headers: Headers, rawBody: string): Promise<void> {
  const secret = config().INTEGRATION_SECRET;
  if (!secret) throw new AppError("forbidden", "The integration endpoint is disabled: set INTEGRATION_SECRET");
  const timestamp = headers.get("x-tollgate-timestamp") ?? "";
  const signature = (headers.get("x-tollgate-signature") ?? "").replace(/^sha256=/, "");
  if (!/^\d{9,11}$/.test(timestamp) || !/^[0-9a-f]{64}$/i.test(signature))
    throw new AppError("unauthorized", "Missing or malformed signature headers");
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > MAX_SKEW_S)
    throw new AppError("unauthorized", "Signature timestamp is too old or in the future");
  const expected = createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest();
  const given = Buffer.from(signature, "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new AppError("unauthorized", "Invalid signature");
  const db = await getDb();
  try {
    await db.integrationNonce.create({ data: { signature: signature.toLowerCase() } });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("unauthorized", "This signed request was already used (replay)");
    throw err;
  }
  await db.integrationNonce.deleteMany({ where: { createdAt: { lt: new Date(Date.now() - 2 * MAX_SKEW_S * 1000) } } });
}

export async function setTokensByExternalId(input: z.infer<typeof integrationTokensSchema>) {
  const db = await getDb();
  let user = await db.user.findUnique({ where: { externalId: input.external_id }, select: { id: true, email: true } });
  let created = false;
  if (!user) {
    if (!input.email)
      throw new AppError("validation_error", "email: is required to create a user for a new external_id", {
        param: "email",
      });
    const existing = await db.user.findUnique({ where: { email: input.email }, select: { id: true, email: true } });
    user = existing ?? (await createUser({ email: input.email, name: input.name ?? "" }));
    await db.user.update({ where: { id: user.id }, data: { externalId: input.external_id } });
    created = !existing;
  }
  const limits = await adjustWallet({
    target: { userId: user.id },
    set: {
      tokenAllowance: BigInt(input.token_allowance),
      ...(input.grant_amount !== undefined
        ? { grantAmount: input.grant_amount === null ? null : BigInt(input.grant_amount) }
        : {}),
      ...(input.grant_period_seconds !== undefined ? { grantPeriodSeconds: input.grant_period_seconds } : {}),
    },
    actor: { userId: null, email: "integration" },
    note: `set by integration for ${input.external_id}`,
  });
  return { user: { id: user.id, email: user.email, external_id: input.external_id }, created, limits };
}

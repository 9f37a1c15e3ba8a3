import { z } from "zod";
import { displayNameSchema, emailSchema, passwordSchema } from "./auth";
import {
  modelCreateSchema,
  modelUpdateSchema,
  providerCreateSchema,
  providerKindSchema,
  providerUpdateSchema,
} from "./providers";

// Input schemas of the admin and user REST API, shared by the routes, the admin pages and the
// OpenAPI document. Money arrives as a string or a number and is parsed exactly in lib/ (never a float).

/** `?key_id=` (empty) means "not given", as the seed systems' clients send it. */
function queryObject<T extends z.ZodRawShape>(shape: T) {
  return z.preprocess(
    (v) => (v && typeof v === "object" ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== "")) : v),
    z.object(shape),
  );
}

const upper = (v: unknown) => (typeof v === "string" ? v.trim().toUpperCase() : v);

export const idSchema = z.string().trim().min(1, "is required").max(64, "must be at most 64 characters");
export const idBodySchema = z.object({ id: idSchema }).strict();
export const idParamsSchema = z.object({ id: idSchema });

export const paginationShape = {
  q: z.string().trim().max(200, "must be at most 200 characters").optional(),
  limit: z.coerce
    .number()
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(200, "must be at most 200")
    .default(50),
  offset: z.coerce.number().int("must be a whole number").min(0, "must not be negative").max(1_000_000_000).default(0),
};

/** Every list endpoint: `q`, `limit` (default 50, max 200), `offset`, plus its own filters. */
export function listQuery<T extends z.ZodRawShape>(filters: T) {
  return queryObject({ ...paginationShape, ...filters });
}

export const paginationQuerySchema = listQuery({});
export type Pagination = { q?: string; limit: number; offset: number };

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const dateText = z
  .string()
  .trim()
  .refine(
    (s) => ISO_DATE.test(s) && !Number.isNaN(Date.parse(s)),
    "must be an ISO date like 2026-01-31 or 2026-01-31T12:00:00Z",
  );
/** A point in time; a bare date is its first moment (UTC). */
export const dateInput = dateText.transform((s) => new Date(s));
/** The end of a range; a bare date includes that whole day (UTC). */
export const dateEndInput = dateText.transform((s) =>
  s.length === 10 ? new Date(Date.parse(s) + 86_400_000 - 1) : new Date(s),
);

export const roleSchema = z.preprocess(upper, z.enum(["USER", "ADMIN"], "must be USER or ADMIN"));
export const userStatusSchema = z.preprocess(upper, z.enum(["ACTIVE", "DISABLED"], "must be ACTIVE or DISABLED"));
export const requestStatusSchema = z.preprocess(
  upper,
  z.enum(["PENDING", "OK", "PARTIAL", "ERROR", "ABORTED"], "must be one of PENDING, OK, PARTIAL, ERROR, ABORTED"),
);

/** A money amount as JSON gives it; lib/ parses it exactly with parseAmountOrThrow. */
export const amountInput = z.union(
  [z.string().max(32, "is too long"), z.number()],
  "must be an amount like 10 or 10.25",
);
const tokenCount = z.union(
  [
    z.string().regex(/^\d{1,15}$/, "must be a whole number of tokens"),
    z.number().int("must be a whole number of tokens").min(0).max(Number.MAX_SAFE_INTEGER),
  ],
  "must be a whole number of tokens",
);
const positiveInt = (max: number) =>
  z.number().int("must be a whole number").positive("must be greater than zero").max(max, `must be at most ${max}`);
const modelIdSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(128)
  .regex(/^[\w.:/@-]+$/, "must be a model id");

/** The limits an admin can set on a group, a user or a key; null removes a limit at that level. */
export const limitFieldsShape = {
  balance: amountInput.nullable().optional(),
  month_quota: amountInput.nullable().optional(),
  token_allowance: tokenCount.nullable().optional(),
  grant_amount: tokenCount.nullable().optional(),
  grant_period_seconds: positiveInt(10 * 366 * 86_400)
    .nullable()
    .optional(),
  daily_request_limit: positiveInt(1_000_000_000).nullable().optional(),
  rpm: positiveInt(10_000_000).nullable().optional(),
  tpm: positiveInt(1_000_000_000).nullable().optional(),
};
export type LimitFields = { [K in keyof typeof limitFieldsShape]?: z.infer<(typeof limitFieldsShape)[K]> };

const somethingToChange = (o: object) => Object.keys(o).length > 1;
const nothingToChange = { message: "nothing to change: give at least one field besides id" };

// --- API keys -----------------------------------------------------------------------------------

export const apiKeyApplySchema = z
  .object({
    name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
    email: emailSchema,
    group_id: idSchema.nullish(),
    role: roleSchema.optional(),
    month_quota: amountInput.nullish(),
    balance: amountInput.nullish(),
    expiry: dateInput.nullish(),
    models: z.array(modelIdSchema).max(100, "must list at most 100 models").optional(),
  })
  .strict();

export const apiKeyUpdateSchema = z
  .object({
    id: idSchema,
    name: z.string().trim().min(1, "is required").max(100).optional(),
    expiry: dateInput.nullable().optional(),
    models: z.array(modelIdSchema).max(100, "must list at most 100 models").optional(),
    role: roleSchema.optional(),
    ...limitFieldsShape,
  })
  .strict()
  .refine(somethingToChange, nothingToChange);

export const apiKeyRechargeSchema = z
  .object({
    api_key: z.string().trim().min(1).max(200).optional(),
    id: idSchema.optional(),
    amount: amountInput.optional(),
    /** The seed system's name for the amount. */
    balance: amountInput.optional(),
    idempotency_key: z.string().trim().min(1).max(200, "must be at most 200 characters").optional(),
    note: z.string().max(500).optional(),
  })
  .strict()
  .refine((o) => (o.api_key === undefined) !== (o.id === undefined), {
    message: "give either api_key or id",
    path: ["id"],
  })
  .refine((o) => o.amount !== undefined || o.balance !== undefined, { message: "is required", path: ["amount"] });

/** The `Idempotency-Key` header, which recharges accept in place of `idempotency_key`. */
export const idempotencyHeaderSchema = z.object({
  "Idempotency-Key": z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(200, "must be at most 200 characters")
    .optional(),
});

export const apiKeyListQuery = listQuery({ user_id: idSchema.optional() });

// --- payments, sessions, threads ----------------------------------------------------------------

export const paymentListQuery = listQuery({
  key_id: idSchema.optional(),
  user_id: idSchema.optional(),
  source: z.enum(["manual", "stripe"]).optional(),
});
export const sessionListQuery = listQuery({ key_id: idSchema.optional(), user_id: idSchema.optional() });
export const userSessionListQuery = listQuery({ key_id: idSchema.optional() });

const threadFilters = {
  key_id: idSchema.optional(),
  session_id: idSchema.optional(),
  model: z.string().trim().max(128).optional(),
  status: requestStatusSchema.optional(),
  from: dateInput.optional(),
  to: dateEndInput.optional(),
};
export const threadListQuery = listQuery({ ...threadFilters, user_id: idSchema.optional() });
export const userThreadListQuery = listQuery(threadFilters);

// --- settings -----------------------------------------------------------------------------------

export const configUpdateSchema = z
  .object({
    registrationOpen: z.boolean(),
    globalDailyLimit: positiveInt(1_000_000_000).nullable(),
    defaultUserLimits: z
      .object({
        balance: amountInput.nullable(),
        monthlyQuota: amountInput.nullable(),
        tokenAllowance: tokenCount.nullable(),
        grantAmount: tokenCount.nullable(),
        grantPeriodSeconds: positiveInt(10 * 366 * 86_400).nullable(),
        dailyRequestLimit: positiveInt(1_000_000_000).nullable(),
        rpm: positiveInt(10_000_000).nullable(),
        tpm: positiveInt(1_000_000_000).nullable(),
      })
      .partial()
      .strict(),
    rateLimitFailOpen: z.boolean(),
    minAnswerTokens: positiveInt(100_000),
    // What one Stripe top-up may be, and the amounts "Add credit" offers (docs/payments.md).
    paymentBounds: z
      .object({
        minimum: amountInput,
        maximum: amountInput,
        presets: z.array(amountInput).max(6, "must list at most 6 amounts"),
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict()
  .refine((o) => Object.keys(o).length > 0, { message: "nothing to change" });

const regionsInput = z.union(
  [z.string().max(2000), z.array(z.string().max(64)).max(32, "must list at most 32 regions")],
  "must be a comma-separated list or an array of regions",
);
export const regionUpdateSchema = z
  .object({ regions: regionsInput.optional(), region: regionsInput.optional() })
  .strict()
  .refine((o) => o.regions !== undefined || o.region !== undefined, { message: "is required", path: ["regions"] });

// --- users and groups ---------------------------------------------------------------------------

export const userListQuery = listQuery({
  role: roleSchema.optional(),
  status: userStatusSchema.optional(),
  group_id: idSchema.optional(),
});

export const userCreateSchema = z
  .object({
    email: emailSchema,
    password: passwordSchema.optional(),
    name: displayNameSchema.optional(),
    role: roleSchema.optional(),
    group_id: idSchema.nullish(),
  })
  .strict();

export const userUpdateSchema = z
  .object({
    id: idSchema,
    role: roleSchema.optional(),
    group_id: idSchema.nullable().optional(),
    status: userStatusSchema.optional(),
    name: displayNameSchema.optional(),
    password: passwordSchema.optional(),
    ...limitFieldsShape,
  })
  .strict()
  .refine(somethingToChange, nothingToChange);

const groupName = z.string().trim().min(1, "is required").max(64, "must be at most 64 characters");
export const groupCreateSchema = z
  .object({ name: groupName, description: z.string().trim().max(500).optional(), ...limitFieldsShape })
  .strict();
export const groupUpdateSchema = z
  .object({
    id: idSchema,
    name: groupName.optional(),
    description: z.string().trim().max(500).optional(),
    ...limitFieldsShape,
  })
  .strict()
  .refine(somethingToChange, nothingToChange);

// --- providers and models -----------------------------------------------------------------------

export const providerListQuery = listQuery({ kind: z.preprocess(upper, providerKindSchema).optional() });
export const providerCreateBody = providerCreateSchema;
export const providerUpdateBody = providerUpdateSchema
  .extend({ id: idSchema })
  .strict()
  .refine(somethingToChange, nothingToChange);
export const modelListQuery = listQuery({ provider_id: idSchema.optional() });
export const modelCreateBody = modelCreateSchema;
export const modelUpdateBody = modelUpdateSchema
  .extend({ id: idSchema })
  .strict()
  .refine(somethingToChange, nothingToChange);

// --- Ollama -------------------------------------------------------------------------------------

export const ollamaModelNameSchema = z
  .string()
  .regex(/^[\w.:/-]{1,128}$/, "must be an Ollama model name like llama3.2 or llama3.2:3b");
export const ollamaNameParams = z.object({ name: ollamaModelNameSchema });
export const ollamaProviderQuery = queryObject({ provider_id: idSchema.optional() });
export const ollamaModelListQuery = listQuery({ provider_id: idSchema.optional() });
export const ollamaProviderBody = z.object({ provider_id: idSchema.optional() }).strict();

// --- usage, logs, audit, flags ------------------------------------------------------------------

export const usageGroupBySchema = z.enum(
  ["day", "month", "user", "group", "model", "key"],
  "must be one of day, month, user, group, model, key",
);
export type UsageGroupBy = z.infer<typeof usageGroupBySchema>;
export const usageQuery = queryObject({
  from: dateInput.optional(),
  to: dateInput.optional(),
  group_by: usageGroupBySchema.default("day"),
});
export const usageSummarySchema = z
  .object({ from: dateInput.optional(), to: dateInput.optional(), model: modelIdSchema })
  .strict();

export const logsQuery = queryObject({
  lines: z.coerce
    .number()
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(2000, "must be at most 2000")
    .default(200),
});

/** The live chart's history: up to the hour the server keeps (lib/metrics/history.ts). */
export const metricsHistoryQuery = queryObject({
  minutes: z.coerce
    .number()
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(60, "must be at most 60")
    .default(5),
});

export const auditListQuery = listQuery({
  action: z.string().trim().max(100).optional(),
  target_type: z.string().trim().max(100).optional(),
  target_id: z.string().trim().max(200).optional(),
  actor_id: idSchema.optional(),
});

export const flagListQuery = listQuery({ user_id: idSchema.optional() });

import type { z } from "zod";
import type { listAuditLog } from "@/lib/audit";
import type { listGroups } from "@/lib/groups/admin";
import type { listFlaggedMessages } from "@/lib/history/flags";
import type { getSessionDetailOrThrow, getThreadDetailOrThrow, listSessions, listThreads } from "@/lib/history/queries";
import type { applyApiKey, listApiKeys, rechargeApiKey } from "@/lib/keys/admin";
import type { tailLogs } from "@/lib/logging/tail";
import type { metricsHistory } from "@/lib/metrics/history";
import type { serverStatus } from "@/lib/metrics/status";
import type { MetricsSample as ServerMetricsSample } from "@/lib/metrics/stream";
import type { curatedModelOrThrow, listCuratedModels } from "@/lib/ollama/catalog";
import type { listInstalledOllamaModels } from "@/lib/ollama/client";
import type { listPayments, listStripePayments } from "@/lib/payments/queries";
import type {
  listModelsAdmin,
  listProviders,
  refreshProviderModels,
  testProviderConnection,
} from "@/lib/providers/admin";
import type { getAdminConfig } from "@/lib/settings/admin";
import type { usageReport } from "@/lib/usage/queries";
import type { summarizeUsage } from "@/lib/usage/summary";
import type { getUserDetailOrThrow, listUsers } from "@/lib/users/admin";
import type { requestStatusSchema, roleSchema, usageGroupBySchema, userStatusSchema } from "./admin";
import type { Json } from "./json";
import type { modelKindSchema, providerKindSchema } from "./providers";
import type { Answer } from "./responses/exact";

// What the admin API answers, as the admin pages receive it. Each type is taken from the lib
// function that builds the answer (the route returns it as it is), so the pages cannot drift from
// the server. Type-only: the lib modules are server-only and never reach the browser bundle.
// The OpenAPI document describes the same answers with the zod schemas in ./responses/, which
// tsc checks against these types field by field.

type Item<F extends (...args: never[]) => unknown> = Answer<F> extends { items: Array<infer T> } ? T : never;
/** Admins see whose row it is (lib/history drops the owner for a user reading their own rows). */
type WithOwner<T> = Extract<T, { userId: string }>;

export type Role = z.output<typeof roleSchema>;
export type UserStatus = z.output<typeof userStatusSchema>;
export type RequestStatus = z.output<typeof requestStatusSchema>;
export type UsageGroupBy = z.output<typeof usageGroupBySchema>;
export type ProviderKind = z.output<typeof providerKindSchema>;
export type ModelKind = z.output<typeof modelKindSchema>;

// --- accounts, groups, keys ---------------------------------------------------------------------

export type UserItem = Item<typeof listUsers>;
export type UserDetail = Answer<typeof getUserDetailOrThrow>;
export type UserKey = UserDetail["keys"][number];
export type SignInSummary = UserDetail["signIn"];
/** A wallet as presentLimit shows it; null fields mean "no limit at this level". */
export type LimitView = NonNullable<UserItem["limit"]>;
export type GroupItem = Item<typeof listGroups>;
export type KeyItem = Item<typeof listApiKeys>;
/** POST api-key/apply: the secret (shown once), the key, its user and whether a mail went out. */
export type KeyApplyResult = Answer<typeof applyApiKey>;
export type KeyRechargeResult = Answer<typeof rechargeApiKey>;

// --- payments -----------------------------------------------------------------------------------

/** A recharge (manual or Stripe) as GET payment/list shows it. */
export type RechargeItem = Item<typeof listPayments>;
export type StripePayments = Answer<typeof listStripePayments>;
export type StripePayment = StripePayments["items"][number];
export type StripeDayTotal = StripePayments["totals"][number];

// --- providers, models, Ollama ------------------------------------------------------------------

export type ProviderItem = Item<typeof listProviders>;
export type ModelItem = Item<typeof listModelsAdmin>;
export type ConnectionTest = Answer<typeof testProviderConnection>;
export type RefreshResult = Answer<typeof refreshProviderModels>;
export type OllamaInstalled = Item<typeof listInstalledOllamaModels>;
export type CuratedOllamaModel = Item<typeof listCuratedModels>;
export type OllamaVariants = Answer<typeof curatedModelOrThrow>;

// --- history and flags --------------------------------------------------------------------------

export type SessionItem = WithOwner<Item<typeof listSessions>>;
export type SessionDetail = Omit<Answer<typeof getSessionDetailOrThrow>, "session"> & { session: SessionItem };
export type SessionMessage = SessionDetail["messages"][number];
export type SessionRequest = SessionDetail["requests"][number];
export type ThreadItem = WithOwner<Item<typeof listThreads>>;
export type ThreadDetail = WithOwner<Answer<typeof getThreadDetailOrThrow>>;
export type FlaggedMessage = Item<typeof listFlaggedMessages>;
export type AuditItem = Item<typeof listAuditLog>;

// --- usage, settings, overview ------------------------------------------------------------------

export type UsageReport = Answer<typeof usageReport>;
export type UsageRow = UsageReport["rows"][number];
export type UsageSums = UsageReport["totals"];
export type UsageSummary = Answer<typeof summarizeUsage>;
export type AdminConfig = Answer<typeof getAdminConfig>;
export type DefaultUserLimits = AdminConfig["defaultUserLimits"];
export type ServerStatus = Answer<typeof serverStatus>;
export type LogTail = Answer<typeof tailLogs>;
/** One message of GET /api/admin/metrics/stream. */
export type MetricsSample = Json<ServerMetricsSample>;
/** GET /api/admin/metrics/history: what the overview chart opens on. */
export type MetricsHistory = Answer<typeof metricsHistory>;

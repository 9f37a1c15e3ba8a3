import { describe, expectTypeOf, it } from "vitest";
import type {
  AdminConfig,
  ConnectionTest,
  CuratedOllamaModel,
  FlaggedMessage,
  GroupItem,
  KeyItem,
  LimitView,
  MetricsHistory,
  MetricsSample,
  ModelItem,
  OllamaInstalled,
  OllamaVariants,
  ProviderItem,
  RefreshResult,
  ServerStatus,
  SessionDetail,
  SessionItem,
  ThreadDetail,
  ThreadItem,
  UsageReport,
  UserDetail,
  UserItem,
} from "@/lib/validations/admin-responses";
import type { Json } from "@/lib/validations/json";

/** The paths of fields typed `never`: what a spread over a generic or a bigint left in an answer turns into. */
type NeverFields<T> = T extends readonly (infer U)[]
  ? NeverFields<U>
  : T extends object
    ? { [K in keyof T]-?: [T[K]] extends [never] ? K : [NeverFields<T[K]>] extends [never] ? never : K }[keyof T]
    : never;

// The admin pages' types are taken from the lib functions that build each answer. These checks run
// in `tsc` (npm test's typecheck): a server change that the pages would misread breaks the build.

describe("admin response types", () => {
  it("say what JSON makes of a value: dates as text, bigint never sent", () => {
    expectTypeOf<Json<{ at: Date; n: number; list: Date[]; maybe?: Date | null }>>().toEqualTypeOf<{
      at: string;
      n: number;
      list: string[];
      maybe?: string | null;
    }>();
    expectTypeOf<Json<bigint>>().toBeNever();
  });

  it("carry dates as ISO text and money as decimal text", () => {
    expectTypeOf<UserItem["createdAt"]>().toEqualTypeOf<string>();
    expectTypeOf<LimitView["balance"]>().toEqualTypeOf<string | null>();
    expectTypeOf<LimitView["lastGrantAt"]>().toEqualTypeOf<string | null>();
    expectTypeOf<ModelItem["inputPrice"]>().toEqualTypeOf<string>();
    expectTypeOf<UsageReport["totals"]["cost"]>().toEqualTypeOf<string>();
    expectTypeOf<ThreadDetail["cost"]>().toEqualTypeOf<string>();
    expectTypeOf<AdminConfig["defaultUserLimits"]["balance"]>().toEqualTypeOf<string | null>();
  });

  it("show admins whose row it is, and never a secret", () => {
    expectTypeOf<SessionItem["user"]>().toEqualTypeOf<{ id: string; email: string; name: string }>();
    expectTypeOf<ThreadDetail>().toHaveProperty("userId");
    expectTypeOf<KeyItem["user"]["role"]>().toEqualTypeOf<"USER" | "ADMIN">();
    expectTypeOf<UserDetail["keys"][number]>().not.toHaveProperty("hash");
    expectTypeOf<ProviderItem>().not.toHaveProperty("apiKeyEnc");
    expectTypeOf<ProviderItem["hasApiKey"]>().toEqualTypeOf<boolean>();
  });

  it("have no field a page could not read (typed never)", () => {
    expectTypeOf<NeverFields<UserDetail>>().toBeNever();
    expectTypeOf<NeverFields<UserItem>>().toBeNever();
    expectTypeOf<NeverFields<GroupItem>>().toBeNever();
    expectTypeOf<NeverFields<KeyItem>>().toBeNever();
    expectTypeOf<NeverFields<ProviderItem>>().toBeNever();
    expectTypeOf<NeverFields<ModelItem>>().toBeNever();
    expectTypeOf<NeverFields<ConnectionTest>>().toBeNever();
    expectTypeOf<NeverFields<RefreshResult>>().toBeNever();
    expectTypeOf<NeverFields<OllamaInstalled>>().toBeNever();
    expectTypeOf<NeverFields<CuratedOllamaModel>>().toBeNever();
    expectTypeOf<NeverFields<OllamaVariants>>().toBeNever();
    expectTypeOf<NeverFields<SessionItem>>().toBeNever();
    expectTypeOf<NeverFields<ThreadItem>>().toBeNever();
    expectTypeOf<NeverFields<FlaggedMessage>>().toBeNever();
    expectTypeOf<NeverFields<UsageReport>>().toBeNever();
    expectTypeOf<NeverFields<AdminConfig>>().toBeNever();
    expectTypeOf<NeverFields<ServerStatus>>().toBeNever();
    expectTypeOf<NeverFields<MetricsSample>>().toBeNever();
    expectTypeOf<NeverFields<MetricsHistory>>().toBeNever();
    expectTypeOf<SessionDetail["session"]["user"]["email"]>().toEqualTypeOf<string>();
  });

  it("describe one live metrics message", () => {
    expectTypeOf<MetricsSample["type"]>().toEqualTypeOf<"metrics">();
    expectTypeOf<MetricsSample["loadedModels"]>().toEqualTypeOf<string[]>();
    expectTypeOf<MetricsSample["activeUsers"]>().toEqualTypeOf<number>();
  });

  it("describe the metrics history the overview chart opens on", () => {
    type Sample = MetricsHistory["samples"][number];
    expectTypeOf<Sample["at"]>().toEqualTypeOf<string>();
    expectTypeOf<Pick<Sample, "cpu" | "memory" | "disk" | "network">>().toEqualTypeOf<{
      cpu: number;
      memory: number;
      disk: number;
      network: number;
    }>();
    expectTypeOf<MetricsHistory["intervalSeconds"]>().toEqualTypeOf<number>();
  });
});

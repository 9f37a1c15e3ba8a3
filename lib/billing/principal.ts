import type { KeyRecord } from "@/lib/auth/api-keys";

/** Who a gateway request is billed to: a user, through one of their keys (API) or their session (chat). */
export type Principal = {
  userId: string;
  groupId: string | null;
  key: KeyRecord | null;
  source: "API" | "CHAT";
};

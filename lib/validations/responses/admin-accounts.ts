import { z } from "zod";
import type { createGroup, deleteGroup, listGroups, updateGroup } from "@/lib/groups/admin";
import type {
  applyApiKey,
  listApiKeys,
  rechargeApiKey,
  revokeApiKeyAsAdmin,
  updateApiKeyAsAdmin,
} from "@/lib/keys/admin";
import type { importApiKeys } from "@/lib/keys/import";
import type {
  createUserAsAdmin,
  deleteUserAsAdmin,
  getUserDetailOrThrow,
  listUsers,
  signOutUserAsAdmin,
  updateUserAsAdmin,
} from "@/lib/users/admin";
import type { importUsers } from "@/lib/users/import";
import { deletedResponse, limitView, money, page, publicUser, role, timestamp, userBrief } from "./common";
import type { Answer, Equals, Expect } from "./exact";
import { ownKey } from "./user";

// What the admin account routes answer: users, groups, API keys and their imports.

// --- users ---------------------------------------------------------------------------------------

export const userItem = publicUser.extend({
  group: z.object({ id: z.string(), name: z.string() }).nullable(),
  keyCount: z.number(),
  limit: limitView.nullable(),
  updatedAt: timestamp,
});
export const userListResponse = page(userItem);

/** A key as its owner sees it, plus the limit only an admin sees. */
const keyFields = { ...ownKey.shape, limit: limitView.nullable() };

/** One account with how it signs in and its keys: GET user/detail, and what create and update answer. */
export const userDetailResponse = z.object({
  user: userItem,
  signIn: z.object({
    methods: z.array(z.string()),
    emailVerified: z.boolean(),
    lastSignInAt: timestamp.nullable(),
    lastSignInMethod: z.string().nullable(),
    activeSessions: z.number(),
  }),
  keys: z.array(z.object(keyFields)),
});

export const userSignOutResponse = z.object({ revoked: z.number() });

const importChange = z.union([z.string(), z.number()]).nullable();
export const userImportResponse = z.object({
  dry_run: z.boolean(),
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  groups_created: z.array(z.string()),
  rows: z.array(
    z.object({
      row: z.number(),
      email: z.string(),
      action: z.enum(["create", "unchanged", "update"]),
      changes: z.record(z.string(), z.object({ from: importChange, to: importChange })),
      note: z.string().optional(),
    }),
  ),
});

// --- groups --------------------------------------------------------------------------------------

export const groupItem = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  userCount: z.number(),
  limit: limitView.nullable(),
  createdAt: timestamp,
});
export const groupListResponse = page(groupItem);
export const groupResponse = z.object({ group: groupItem });

// --- API keys ------------------------------------------------------------------------------------

export const keyItem = z.object({ ...keyFields, user: userBrief.extend({ role }) });
export const keyListResponse = page(keyItem);
export const keyResponse = z.object({ api_key: keyItem });

export const keyApplyResponse = z.object({
  key: z.string().describe("The secret: shown in this answer only"),
  api_key: keyItem,
  user: publicUser,
  created_user: z.boolean(),
  mail: z.object({ sent: z.boolean(), reason: z.string().optional() }),
});

export const keyRechargeResponse = z.object({
  transactionId: z.string(),
  amount: money,
  balance: money,
  replayed: z.boolean(),
  api_key_id: z.string(),
});

export const keyImportResponse = z.object({
  dry_run: z.boolean(),
  created: z.number(),
  unchanged: z.number(),
  users_created: z.number(),
  rows: z.array(
    z.object({
      row: z.number(),
      prefix: z.string(),
      email: z.string(),
      action: z.enum(["create", "unchanged"]),
      created_user: z.boolean(),
      balance: money.nullable(),
      month_quota: money.nullable(),
    }),
  ),
});

// Each schema is exactly what its lib function answers (tsc fails otherwise).
type _Exact = [
  Expect<Equals<z.output<typeof userListResponse>, Answer<typeof listUsers>>>,
  Expect<Equals<z.output<typeof userDetailResponse>, Answer<typeof getUserDetailOrThrow>>>,
  Expect<Equals<z.output<typeof userDetailResponse>, Answer<typeof createUserAsAdmin>>>,
  Expect<Equals<z.output<typeof userDetailResponse>, Answer<typeof updateUserAsAdmin>>>,
  Expect<Equals<z.output<typeof userSignOutResponse>, Answer<typeof signOutUserAsAdmin>>>,
  Expect<Equals<z.output<typeof deletedResponse>, Answer<typeof deleteUserAsAdmin>>>,
  Expect<Equals<z.output<typeof userImportResponse>, Answer<typeof importUsers>>>,
  Expect<Equals<z.output<typeof groupListResponse>, Answer<typeof listGroups>>>,
  Expect<Equals<z.output<typeof groupItem>, Answer<typeof createGroup>>>,
  Expect<Equals<z.output<typeof groupItem>, Answer<typeof updateGroup>>>,
  Expect<Equals<z.output<typeof deletedResponse>, Answer<typeof deleteGroup>>>,
  Expect<Equals<z.output<typeof keyListResponse>, Answer<typeof listApiKeys>>>,
  Expect<Equals<z.output<typeof keyItem>, Answer<typeof updateApiKeyAsAdmin>>>,
  Expect<Equals<z.output<typeof keyItem>, Answer<typeof revokeApiKeyAsAdmin>>>,
  Expect<Equals<z.output<typeof keyApplyResponse>, Answer<typeof applyApiKey>>>,
  Expect<Equals<z.output<typeof keyRechargeResponse>, Answer<typeof rechargeApiKey>>>,
  Expect<Equals<z.output<typeof keyImportResponse>, Answer<typeof importApiKeys>>>,
];

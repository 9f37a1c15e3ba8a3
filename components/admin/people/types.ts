// The shapes the admin API answers for accounts, groups and keys (see lib/users/admin.ts,
// lib/groups/admin.ts, lib/keys/admin.ts). Money is exact decimal text; token counts are text too.

export type Role = "USER" | "ADMIN";
export type UserStatus = "ACTIVE" | "DISABLED";

/** A wallet as presentLimit shows it; null fields mean "no limit at this level". */
export type LimitView = {
  id: string;
  scope: "GROUP" | "USER" | "KEY";
  balance: string | null;
  reserved: string;
  monthlyQuota: string | null;
  monthSpent: string;
  tokenAllowance: string | null;
  grantAmount: string | null;
  grantPeriodSeconds: number | null;
  lastGrantAt: string | null;
  dailyRequestLimit: number | null;
  dayCount: number;
  rpm: number | null;
  tpm: number | null;
};

export type UserItem = {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  status: UserStatus;
  groupId: string | null;
  createdAt: string;
  updatedAt: string;
  group: { id: string; name: string } | null;
  keyCount: number;
  limit: LimitView | null;
};

export type UserKey = {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  allowedModels: string[];
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
  userId: string;
  limit: LimitView | null;
};

/** How the user signs in (lib/auth/auth-sessions.ts signInSummary). */
export type SignInSummary = {
  methods: string[];
  emailVerified: boolean;
  lastSignInAt: string | null;
  lastSignInMethod: string | null;
  activeSessions: number;
};

export type UserDetail = { user: UserItem; keys: UserKey[]; signIn?: SignInSummary };

export type GroupItem = {
  id: string;
  name: string;
  description: string;
  createdAt: string;
  userCount: number;
  limit: LimitView | null;
};

export type KeyItem = UserKey & { user: { id: string; email: string; name: string | null; role: Role } };

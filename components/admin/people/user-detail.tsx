"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { formatDate, formatMoney, formatNumber } from "@/components/admin/format";
import { Card, ConfirmButton, ErrorNote, PageHeader, Stat } from "@/components/admin/ui";
import { requestJson } from "@/components/settings/api";
import type { UserDetail } from "@/lib/validations/admin-responses";
import { RoleBadge, UserStatusBadge } from "./badges";
import { LimitsForm } from "./limits-form";
import { useUserDetail } from "./use-user-detail";
import { UserAccessForm } from "./user-access-form";
import { UserKeys } from "./user-keys";
import { UserSignIn } from "./user-sign-in";

/** One account: profile, wallet, account settings, limits, keys, and deletion. */
export function UserDetailView({ id }: { id: string }) {
  const router = useRouter();
  const { detail, error, replace } = useUserDetail(id);

  if (!detail) {
    return (
      <>
        <BackLink />
        {error ? (
          <ErrorNote error={error} />
        ) : (
          <p className="text-sm text-zinc-500" aria-busy="true">
            Loading…
          </p>
        )}
      </>
    );
  }
  const { user, keys } = detail;
  const wallet = user.limit;

  return (
    <div className="space-y-4" data-testid="user-detail" data-user-id={user.id}>
      <BackLink />
      <PageHeader
        title={user.email}
        description={user.name ?? undefined}
        actions={
          <>
            <RoleBadge role={user.role} />
            <UserStatusBadge status={user.status} />
          </>
        }
      />
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Stat
          label="Balance"
          value={formatMoney(wallet?.balance)}
          hint={wallet?.balance == null ? "No balance limit" : undefined}
          testId="user-balance"
        />
        <Stat
          label="Spent this month"
          value={formatMoney(wallet?.monthSpent ?? "0")}
          hint={wallet?.monthlyQuota != null ? `of ${formatMoney(wallet.monthlyQuota)}` : undefined}
        />
        <Stat
          label="Requests today"
          value={formatNumber(wallet?.dayCount ?? 0)}
          hint={wallet?.dailyRequestLimit != null ? `of ${formatNumber(wallet.dailyRequestLimit)}` : undefined}
        />
        <Stat label="API keys" value={formatNumber(keys.length)} />
      </div>
      <Card title="Profile">
        <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
          <Detail label="Id" value={<span className="break-all font-mono text-xs">{user.id}</span>} />
          <Detail
            label="Group"
            value={
              user.group ? (
                <Link
                  className="underline underline-offset-2"
                  href={`/admin/users?group_id=${encodeURIComponent(user.group.id)}`}
                >
                  {user.group.name}
                </Link>
              ) : (
                "—"
              )
            }
          />
          <Detail label="Created" value={formatDate(user.createdAt)} />
          <Detail label="Updated" value={formatDate(user.updatedAt)} />
          <Detail
            label="History"
            value={
              <span className="flex flex-wrap gap-3">
                <Link
                  className="underline underline-offset-2"
                  href={`/admin/audit?target_type=user&target_id=${encodeURIComponent(user.id)}`}
                  data-testid="user-audit-link"
                >
                  Account changes
                </Link>
                {wallet && (
                  <Link
                    className="underline underline-offset-2"
                    href={`/admin/audit?target_type=wallet&target_id=${encodeURIComponent(wallet.id)}`}
                  >
                    Wallet changes
                  </Link>
                )}
              </span>
            }
          />
        </dl>
      </Card>
      <UserSignIn
        userId={user.id}
        signIn={detail.signIn}
        onSignedOut={() => replace({ ...detail, signIn: { ...detail.signIn, activeSessions: 0 } })}
      />
      <UserAccessForm user={user} onSaved={replace} />
      <Card title="Limits" testId="user-limits">
        <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
          The user&apos;s own wallet. Empty means no limit at this level; group and key limits apply as well.
        </p>
        <LimitsForm
          limit={wallet}
          testId="user-limits-form"
          save={async (changes) => {
            if (Object.keys(changes).length === 0) return;
            replace(
              await requestJson<UserDetail>("/api/admin/user/update", {
                method: "POST",
                body: JSON.stringify({ id: user.id, ...changes }),
              }),
            );
          }}
        />
      </Card>
      <UserKeys userId={user.id} keys={keys} />
      <Card title="Danger zone">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Deleting removes the account with its keys, wallet and history.
          </p>
          <ConfirmButton
            label="Delete user"
            testId="user-delete"
            title="Delete this user?"
            message={
              <>
                <strong>{user.email}</strong>, {keys.length === 1 ? "its API key" : `its ${keys.length} API keys`},
                wallet and history will be deleted. This cannot be undone.
              </>
            }
            onConfirm={async () => {
              await requestJson("/api/admin/user/delete", { method: "POST", body: JSON.stringify({ id: user.id }) });
              router.push("/admin/users");
            }}
          />
        </div>
      </Card>
    </div>
  );
}

function BackLink() {
  return (
    <Link
      href="/admin/users"
      className="mb-2 inline-block text-sm text-zinc-600 underline-offset-2 hover:underline dark:text-zinc-400"
    >
      ← All users
    </Link>
  );
}

function Detail({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs uppercase tracking-wide text-zinc-500">{label}</dt>
      <dd className="mt-0.5">{value}</dd>
    </div>
  );
}

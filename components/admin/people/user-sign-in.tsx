"use client";

import Link from "next/link";
import { formatDate } from "@/components/admin/format";
import { Card, ConfirmButton } from "@/components/admin/ui";
import { requestJson } from "@/components/settings/api";
import type { SignInSummary } from "@/lib/validations/admin-responses";

const METHOD_LABEL: Record<string, string> = {
  password: "Password",
  register: "Password (registration)",
  reset: "Password (reset link)",
  sso: "SSO handoff",
  oidc: "OpenID Connect",
  token: "Bearer token",
  basic: "HTTP Basic",
};

/** How a user signs in, when they last did, and "sign out everywhere". */
export function UserSignIn({
  userId,
  signIn,
  onSignedOut,
}: {
  userId: string;
  signIn: SignInSummary;
  onSignedOut: () => void;
}) {
  return (
    <Card title="Sign-in" testId="user-sign-in">
      <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
        <div>
          <dt className="text-xs uppercase tracking-wide text-zinc-500">Signs in with</dt>
          <dd className="mt-0.5" data-testid="user-sign-in-methods">
            {signIn.methods.length ? signIn.methods.map((m) => METHOD_LABEL[m] ?? m).join(", ") : "No way in yet"}
          </dd>
        </div>
        <div>
          <dt className="text-xs uppercase tracking-wide text-zinc-500">Last sign-in</dt>
          <dd className="mt-0.5" data-testid="user-last-sign-in">
            {signIn.lastSignInAt
              ? `${formatDate(signIn.lastSignInAt)} · ${METHOD_LABEL[signIn.lastSignInMethod ?? ""] ?? signIn.lastSignInMethod}`
              : "Never"}
          </dd>
        </div>
        <div>
          <dt className="text-xs uppercase tracking-wide text-zinc-500">Address</dt>
          <dd className="mt-0.5">{signIn.emailVerified ? "Confirmed" : "Not confirmed yet"}</dd>
        </div>
        <div>
          <dt className="text-xs uppercase tracking-wide text-zinc-500">Active sessions and tokens</dt>
          <dd className="mt-0.5" data-testid="user-active-sessions">
            {signIn.activeSessions}
          </dd>
        </div>
      </dl>
      <div className="mt-3 flex flex-wrap items-center justify-between gap-3">
        <Link
          className="text-sm underline underline-offset-2"
          href={`/admin/audit?target_type=sign-in&target_id=${encodeURIComponent(userId)}`}
          data-testid="user-sign-ins-link"
        >
          Every sign-in
        </Link>
        <ConfirmButton
          label="Sign out everywhere"
          testId="user-sign-out-everywhere"
          title="Sign this user out everywhere?"
          message="Every browser session and bearer token of this user ends now. API keys keep working; revoke them separately."
          onConfirm={async () => {
            await requestJson("/api/admin/user/sign-out", { method: "POST", body: JSON.stringify({ id: userId }) });
            onSignedOut();
          }}
        />
      </div>
    </Card>
  );
}

import Link from "next/link";
import { SignOutEverywhere } from "@/components/auth/sign-out-everywhere";
import { ApiKeys } from "@/components/settings/api-keys";
import { PasswordForm } from "@/components/settings/password-form";
import { PaymentsPanel } from "@/components/settings/payments-panel";
import { UsagePanel } from "@/components/settings/usage-panel";
import { requirePageUser } from "@/lib/auth/page-session";

export const metadata = { title: "Settings · Tollgate" };

export default async function SettingsPage() {
  const user = await requirePageUser("/settings");
  return (
    <div className="h-full overflow-y-auto">
      <div data-testid="settings-page" className="mx-auto max-w-4xl space-y-10 px-4 py-8">
        <div>
          <Link href="/" className="text-sm text-zinc-500 underline-offset-4 hover:underline">
            ← Back to chat
          </Link>
          <h1 className="mt-2 text-2xl font-semibold">Settings</h1>
          <p className="text-sm text-zinc-500">Signed in as {user.email}.</p>
        </div>
        <PaymentsPanel />
        <ApiKeys />
        <UsagePanel />
        <PasswordForm />
        <SignOutEverywhere />
      </div>
    </div>
  );
}

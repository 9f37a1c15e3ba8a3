import Link from "next/link";
import { BalanceIndicator } from "@/components/chat/balance-indicator";
import { SignOutButton } from "./sign-out-button";

export function AppHeader({ user }: { user: { email: string; name: string; role: string } }) {
  return (
    <header className="flex items-center justify-between gap-2 border-b border-zinc-200 px-3 py-2 sm:gap-3 sm:px-4 dark:border-zinc-800">
      <Link href="/" className="font-semibold tracking-tight">
        Tollgate
      </Link>
      <div className="flex min-w-0 items-center gap-2 sm:gap-3">
        <BalanceIndicator />
        {user.role === "ADMIN" && (
          <Link href="/admin" className="text-sm underline-offset-4 hover:underline">
            Admin
          </Link>
        )}
        <Link href="/settings" data-testid="settings-link" className="text-sm underline-offset-4 hover:underline">
          Settings
        </Link>
        <span
          className="min-w-0 truncate text-sm text-zinc-600 max-sm:max-w-[7rem] dark:text-zinc-400"
          data-testid="signed-in-as"
          title={user.email}
        >
          {user.name || user.email}
        </span>
        <SignOutButton />
      </div>
    </header>
  );
}

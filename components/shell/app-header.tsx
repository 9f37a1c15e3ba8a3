import Link from "next/link";
import { SignOutButton } from "./sign-out-button";

export function AppHeader({ user }: { user: { email: string; name: string; role: string } }) {
  return (
    <header className="flex items-center justify-between gap-3 border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
      <Link href="/" className="font-semibold tracking-tight">
        Tollgate
      </Link>
      <div className="flex min-w-0 items-center gap-3">
        {user.role === "ADMIN" && (
          <Link href="/admin" className="text-sm underline-offset-4 hover:underline">
            Admin
          </Link>
        )}
        <span className="truncate text-sm text-zinc-600 dark:text-zinc-400" data-testid="signed-in-as" title={user.email}>
          {user.name || user.email}
        </span>
        <SignOutButton />
      </div>
    </header>
  );
}

"use client";

import { useRouter } from "next/navigation";

export function SignOutButton() {
  const router = useRouter();
  return (
    <button
      type="button"
      data-testid="sign-out"
      className="whitespace-nowrap rounded-lg border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-900"
      onClick={async () => {
        const res = await fetch("/api/auth/logout", { method: "POST" });
        // With LOGIN_URL set, signing out ends at the host application's page.
        const { redirect } = ((await res.json().catch(() => ({}))) as { redirect?: string }) ?? {};
        if (redirect && /^https?:\/\//.test(redirect)) return window.location.assign(redirect);
        router.replace(redirect?.startsWith("/") ? redirect : "/login");
        router.refresh();
      }}
    >
      Sign out
    </button>
  );
}

"use client";

import { useState } from "react";

/** Settings: end every session and bearer token of your account (this browser too). */
export function SignOutEverywhere() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <section aria-labelledby="sessions-heading" className="space-y-3">
      <h2 id="sessions-heading" className="text-lg font-semibold">
        Sessions
      </h2>
      <p className="max-w-xl text-sm text-zinc-600 dark:text-zinc-400">
        Signs you out on every device and ends every bearer token your scripts got from <code>/api/auth/token</code>.
        API keys keep working.
      </p>
      <button
        type="button"
        data-testid="sign-out-everywhere"
        disabled={busy}
        className="rounded-lg border border-red-300 px-3 py-2 text-sm font-medium text-red-700 hover:bg-red-50 disabled:opacity-60 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950"
        onClick={async () => {
          setBusy(true);
          setError(null);
          const res = await fetch("/api/auth/logout/everywhere", { method: "POST" }).catch(() => null);
          if (!res?.ok) {
            setBusy(false);
            return setError("Could not sign out everywhere; try again.");
          }
          window.location.assign("/login");
        }}
      >
        {busy ? "Signing out…" : "Sign out everywhere"}
      </button>
      {error && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </section>
  );
}

"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";

/** "Sign in with <OIDC_NAME>": next-auth sends the browser to the OpenID provider and back. */
export function OidcButton({ name, returnTo }: { name: string; returnTo: string }) {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      data-testid="oidc-sign-in"
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signIn("oidc", { callbackUrl: returnTo });
      }}
      className="w-full rounded-lg border border-zinc-300 px-3 py-2 font-medium hover:bg-zinc-100 disabled:opacity-60 dark:border-zinc-700 dark:hover:bg-zinc-900"
    >
      {pending ? "Please wait…" : `Continue with ${name}`}
    </button>
  );
}

"use client";

import Link from "next/link";
import { useState } from "react";

// The three pages behind mailed links share one small form: ask for a reset link, set a new
// password with a link's token, confirm an address with a link's token.
type Kind = "forgot" | "reset" | "verify";

const TEXT: Record<Kind, { title: string; intro: string; button: string; endpoint: string }> = {
  forgot: {
    title: "Forgot your password?",
    intro: "We mail you a link to choose a new one.",
    button: "Send the link",
    endpoint: "/api/auth/password/forgot",
  },
  reset: {
    title: "Choose a new password",
    intro: "Every other session and token of your account ends.",
    button: "Set the password",
    endpoint: "/api/auth/password/reset",
  },
  verify: {
    title: "Confirm your address",
    intro: "One click, and you can start chatting.",
    button: "Confirm",
    endpoint: "/api/auth/verify-email",
  },
};

const input = "w-full rounded-lg border border-zinc-300 bg-transparent px-3 py-2 dark:border-zinc-700";

export function MailLinkForm({ kind, token }: { kind: Kind; token?: string }) {
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const text = TEXT[kind];

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError(null);
    const body = { ...Object.fromEntries(new FormData(event.currentTarget).entries()), ...(token ? { token } : {}) };
    try {
      const res = await fetch(text.endpoint, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const data = await res.json().catch(() => null);
      if (!res.ok) return setError(data?.error?.message ?? `Something went wrong (${res.status})`);
      setDone(
        kind === "forgot"
          ? data?.message
          : kind === "reset"
            ? "Your password is set. Sign in with it."
            : "Your address is confirmed.",
      );
    } catch {
      setError("Could not reach the server; check your connection and try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="flex min-h-dvh items-center justify-center px-4">
      <form
        onSubmit={onSubmit}
        data-testid={`${kind}-form`}
        className="w-full max-w-sm space-y-4 rounded-2xl border border-zinc-200 p-6 shadow-sm dark:border-zinc-800"
      >
        <div>
          <h1 className="text-2xl font-semibold">{text.title}</h1>
          <p className="mt-1 text-sm text-zinc-500">{text.intro}</p>
        </div>
        {kind === "forgot" && (
          <label className="block text-sm">
            <span className="mb-1 block font-medium">Email</span>
            <input name="email" type="email" required autoComplete="email" className={input} />
          </label>
        )}
        {kind === "reset" && (
          <label className="block text-sm">
            <span className="mb-1 block font-medium">New password</span>
            <input
              name="password"
              type="password"
              required
              minLength={8}
              autoComplete="new-password"
              className={input}
            />
          </label>
        )}
        {(kind === "forgot" || token) && !done && (
          <button
            type="submit"
            disabled={pending}
            className="w-full rounded-lg bg-zinc-900 px-3 py-2 font-medium text-white disabled:opacity-60 dark:bg-zinc-100 dark:text-zinc-900"
          >
            {pending ? "Please wait…" : text.button}
          </button>
        )}
        {kind !== "forgot" && !token && (
          <p role="alert" className="text-sm text-red-700">
            This link has no token; open the link from the mail again.
          </p>
        )}
        {error && (
          <p
            role="alert"
            data-testid="mail-link-error"
            className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300"
          >
            {error}
          </p>
        )}
        {done && (
          <p
            role="status"
            data-testid="mail-link-done"
            className="rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200"
          >
            {done}
          </p>
        )}
        <p className="text-center text-sm text-zinc-500">
          <Link className="underline" href={kind === "verify" ? "/" : "/login"}>
            {kind === "verify" ? "Go to the chat" : "Back to sign-in"}
          </Link>
        </p>
      </form>
    </div>
  );
}

"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { OidcButton } from "./oidc-button";
import { safeReturnPath } from "./safe-return";

type Mode = "login" | "register";

export type AuthFormProps = {
  mode: Mode;
  /** false (PASSWORD_LOGIN=false): only the OpenID Connect button. */
  passwordLogin?: boolean;
  /** The OpenID Connect button's label, when a provider is configured. */
  oidcName?: string | null;
  /** An error to show on arrival (a refused OpenID Connect sign-in). */
  initialError?: string | null;
  returnTo?: string | null;
};

export function AuthForm({
  mode,
  passwordLogin = true,
  oidcName = null,
  initialError = null,
  returnTo = null,
}: AuthFormProps) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(initialError);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const target = safeReturnPath(returnTo);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError(null);
    const form = new FormData(event.currentTarget);
    const body = Object.fromEntries(form.entries());
    try {
      const res = await fetch(`/api/auth/${mode}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const data = await res.json().catch(() => null);
      if (!res.ok) {
        setError(data?.error?.message ?? `Something went wrong (${res.status})`);
        return;
      }
      // 202: the account must confirm its address first (REQUIRE_EMAIL_VERIFICATION).
      if (res.status === 202) {
        setNotice(data?.message ?? "Check your mail to continue.");
        return;
      }
      router.replace(target);
      router.refresh();
    } catch {
      setError("Could not reach the server; check your connection and try again.");
    } finally {
      setPending(false);
    }
  }

  const isLogin = mode === "login";
  return (
    <div className="flex min-h-dvh items-center justify-center px-4">
      <form
        onSubmit={onSubmit}
        className="w-full max-w-sm space-y-4 rounded-2xl border border-zinc-200 p-6 shadow-sm dark:border-zinc-800"
        data-testid={`${mode}-form`}
      >
        <div>
          <h1 className="text-2xl font-semibold">{isLogin ? "Sign in to Tollgate" : "Create your account"}</h1>
          <p className="mt-1 text-sm text-zinc-500">
            {isLogin ? "Welcome back." : "Chat with every model your team runs."}
          </p>
        </div>
        {oidcName && <OidcButton name={oidcName} returnTo={target} />}
        {oidcName && passwordLogin && <p className="text-center text-xs uppercase tracking-wide text-zinc-400">or</p>}
        {passwordLogin && (
          <>
            {!isLogin && (
              <label className="block text-sm">
                <span className="mb-1 block font-medium">Name</span>
                <input
                  name="name"
                  autoComplete="name"
                  className="w-full rounded-lg border border-zinc-300 bg-transparent px-3 py-2 dark:border-zinc-700"
                />
              </label>
            )}
            <label className="block text-sm">
              <span className="mb-1 block font-medium">Email</span>
              <input
                name="email"
                type="email"
                required
                autoComplete="email"
                className="w-full rounded-lg border border-zinc-300 bg-transparent px-3 py-2 dark:border-zinc-700"
              />
            </label>
            <label className="block text-sm">
              <span className="mb-1 block font-medium">Password</span>
              <input
                name="password"
                type="password"
                required
                minLength={isLogin ? 1 : 8}
                autoComplete={isLogin ? "current-password" : "new-password"}
                className="w-full rounded-lg border border-zinc-300 bg-transparent px-3 py-2 dark:border-zinc-700"
              />
            </label>
            <button
              type="submit"
              disabled={pending}
              className="w-full rounded-lg bg-zinc-900 px-3 py-2 font-medium text-white disabled:opacity-60 dark:bg-zinc-100 dark:text-zinc-900"
            >
              {pending ? "Please wait…" : isLogin ? "Sign in" : "Create account"}
            </button>
          </>
        )}
        {error && (
          <p
            role="alert"
            data-testid="auth-error"
            className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300"
          >
            {error}
          </p>
        )}
        {notice && (
          <p
            role="status"
            data-testid="auth-notice"
            className="rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200"
          >
            {notice}
          </p>
        )}
        {passwordLogin && (
          <p className="text-center text-sm text-zinc-500">
            {isLogin ? (
              <>
                No account yet?{" "}
                <Link className="underline" href="/register">
                  Create one
                </Link>
                {" · "}
                <Link className="underline" href="/forgot-password" data-testid="forgot-password-link">
                  Forgot password?
                </Link>
              </>
            ) : (
              <>
                Already have an account?{" "}
                <Link className="underline" href="/login">
                  Sign in
                </Link>
              </>
            )}
          </p>
        )}
      </form>
    </div>
  );
}

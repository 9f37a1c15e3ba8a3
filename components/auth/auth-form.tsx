"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";

type Mode = "login" | "register";

export function AuthForm({ mode }: { mode: Mode }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

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
      if (!res.ok) {
        const data = await res.json().catch(() => null);
        setError(data?.error?.message ?? `Something went wrong (${res.status})`);
        return;
      }
      router.replace("/");
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
      <form onSubmit={onSubmit} className="w-full max-w-sm space-y-4 rounded-2xl border border-zinc-200 p-6 shadow-sm dark:border-zinc-800" data-testid={`${mode}-form`}>
        <div>
          <h1 className="text-2xl font-semibold">{isLogin ? "Sign in to Tollgate" : "Create your account"}</h1>
          <p className="mt-1 text-sm text-zinc-500">{isLogin ? "Welcome back." : "Chat with every model your team runs."}</p>
        </div>
        {!isLogin && (
          <label className="block text-sm">
            <span className="mb-1 block font-medium">Name</span>
            <input name="name" autoComplete="name" className="w-full rounded-lg border border-zinc-300 bg-transparent px-3 py-2 dark:border-zinc-700" />
          </label>
        )}
        <label className="block text-sm">
          <span className="mb-1 block font-medium">Email</span>
          <input name="email" type="email" required autoComplete="email" className="w-full rounded-lg border border-zinc-300 bg-transparent px-3 py-2 dark:border-zinc-700" />
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
        {error && (
          <p role="alert" data-testid="auth-error" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
            {error}
          </p>
        )}
        <button
          type="submit"
          disabled={pending}
          className="w-full rounded-lg bg-zinc-900 px-3 py-2 font-medium text-white disabled:opacity-60 dark:bg-zinc-100 dark:text-zinc-900"
        >
          {pending ? "Please wait…" : isLogin ? "Sign in" : "Create account"}
        </button>
        <p className="text-center text-sm text-zinc-500">
          {isLogin ? (
            <>No account yet? <Link className="underline" href="/register">Create one</Link></>
          ) : (
            <>Already have an account? <Link className="underline" href="/login">Sign in</Link></>
          )}
        </p>
      </form>
    </div>
  );
}

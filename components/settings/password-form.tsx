"use client";

import { useState } from "react";
import { changePasswordSchema } from "@/lib/validations/auth";
import { requestJson } from "./api";

const input = "w-full rounded-lg border border-zinc-300 bg-transparent px-3 py-2 text-sm dark:border-zinc-700";

export function PasswordForm() {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = Object.fromEntries(new FormData(form)) as Record<string, string>;
    if (data.newPassword !== data.confirmPassword)
      return setMessage({ ok: false, text: "The new passwords do not match." });
    const parsed = changePasswordSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return setMessage({
        ok: false,
        text: `${issue.path[0] === "newPassword" ? "New password" : "Current password"} ${issue.message}.`,
      });
    }
    setBusy(true);
    try {
      await requestJson("/api/auth/password", { method: "POST", body: JSON.stringify(parsed.data) });
      form.reset();
      setMessage({ ok: true, text: "Your password was changed; your other sessions and tokens were signed out." });
    } catch (err) {
      setMessage({ ok: false, text: err instanceof Error ? err.message : "The password could not be changed" });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="password-heading" className="space-y-3">
      <h2 id="password-heading" className="text-lg font-semibold">
        Change password
      </h2>
      <form onSubmit={submit} data-testid="password-form" className="grid max-w-md gap-3">
        <label className="block text-sm">
          <span className="mb-1 block font-medium">Current password</span>
          <input name="currentPassword" type="password" required autoComplete="current-password" className={input} />
        </label>
        <label className="block text-sm">
          <span className="mb-1 block font-medium">New password (at least 8 characters)</span>
          <input
            name="newPassword"
            type="password"
            required
            minLength={8}
            autoComplete="new-password"
            className={input}
          />
        </label>
        <label className="block text-sm">
          <span className="mb-1 block font-medium">Repeat the new password</span>
          <input
            name="confirmPassword"
            type="password"
            required
            minLength={8}
            autoComplete="new-password"
            className={input}
          />
        </label>
        {message && (
          <p
            role={message.ok ? "status" : "alert"}
            data-testid="password-message"
            className={`text-sm ${message.ok ? "text-emerald-700 dark:text-emerald-400" : "text-red-600 dark:text-red-400"}`}
          >
            {message.text}
          </p>
        )}
        <button
          type="submit"
          disabled={busy}
          className="justify-self-start rounded-lg bg-zinc-900 px-3 py-2 text-sm font-medium text-white disabled:opacity-60 dark:bg-zinc-100 dark:text-zinc-900"
        >
          {busy ? "Saving…" : "Change password"}
        </button>
      </form>
    </section>
  );
}

"use client";

import { useState } from "react";
import { useModels } from "@/lib/hooks/use-models";
import { type ApiKeyRecord, requestJson } from "./api";

const input = "w-full rounded-lg border border-zinc-300 bg-transparent px-3 py-2 text-sm dark:border-zinc-700";

/** Name, optional expiry, optional model allow-list (none ticked = every model). */
export function CreateKeyForm({ onCreated }: { onCreated: (key: string, record: ApiKeyRecord) => void }) {
  const { models } = useModels();
  const [name, setName] = useState("");
  const [expires, setExpires] = useState("");
  const [allowed, setAllowed] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // A date means "valid through that day" in the user's time zone.
      const expiresAt = expires ? new Date(`${expires}T23:59:59`).toISOString() : null;
      const created = await requestJson<{ key: string; record: ApiKeyRecord }>("/api/user/keys", {
        method: "POST",
        body: JSON.stringify({ name, expiresAt, allowedModels: allowed }),
      });
      onCreated(created.key, created.record);
      setName("");
      setExpires("");
      setAllowed([]);
    } catch (err) {
      setError(err instanceof Error ? err.message : "The key could not be created");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      onSubmit={submit}
      data-testid="create-key-form"
      className="space-y-3 rounded-xl border border-zinc-200 p-4 dark:border-zinc-800"
    >
      <h3 className="font-medium">Create a key</h3>
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="block text-sm">
          <span className="mb-1 block font-medium">Name</span>
          <input
            name="name"
            data-testid="key-name"
            required
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. laptop scripts"
            className={input}
          />
        </label>
        <label className="block text-sm">
          <span className="mb-1 block font-medium">Expires (optional)</span>
          <input
            name="expires"
            data-testid="key-expires"
            type="date"
            min={new Date().toISOString().slice(0, 10)}
            value={expires}
            onChange={(e) => setExpires(e.target.value)}
            className={input}
          />
        </label>
      </div>
      {models && models.length > 0 && (
        <fieldset className="text-sm">
          <legend className="mb-1 font-medium">Models (none ticked: every model)</legend>
          <div className="flex flex-wrap gap-x-4 gap-y-1">
            {models.map((m) => (
              <label key={m.id} className="flex items-center gap-1.5">
                <input
                  type="checkbox"
                  data-testid="key-model"
                  value={m.id}
                  checked={allowed.includes(m.id)}
                  onChange={(e) =>
                    setAllowed((list) => (e.target.checked ? [...list, m.id] : list.filter((x) => x !== m.id)))
                  }
                />
                <span className="break-all">{m.id}</span>
              </label>
            ))}
          </div>
        </fieldset>
      )}
      {error && (
        <p role="alert" data-testid="key-error" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
      <button
        type="submit"
        data-testid="key-create"
        disabled={busy}
        className="rounded-lg bg-zinc-900 px-3 py-2 text-sm font-medium text-white disabled:opacity-60 dark:bg-zinc-100 dark:text-zinc-900"
      >
        {busy ? "Creating…" : "Create key"}
      </button>
    </form>
  );
}

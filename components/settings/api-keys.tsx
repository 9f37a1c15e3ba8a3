"use client";

import { useCallback, useEffect, useState } from "react";
import { ConfirmDialog } from "@/components/chat/dialog";
import { useCopy } from "@/lib/hooks/use-copy";
import { type ApiKeyRecord, keyStatus, requestJson } from "./api";
import { CreateKeyForm } from "./create-key-form";

function NewKeyNotice({ secret, onDone }: { secret: string; onDone: () => void }) {
  const { copied, copy } = useCopy();
  return (
    <div
      role="status"
      data-testid="new-key"
      className="rounded-xl border border-emerald-300 bg-emerald-50 p-4 text-sm dark:border-emerald-800 dark:bg-emerald-950"
    >
      <p className="font-medium">Your new key — copy it now, it will not be shown again.</p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code
          data-testid="new-key-value"
          className="min-w-0 break-all rounded bg-white px-2 py-1 font-mono dark:bg-zinc-900"
        >
          {secret}
        </code>
        <button
          type="button"
          data-testid="new-key-copy"
          onClick={() => copy(secret)}
          className="rounded-lg border border-emerald-400 px-2 py-1"
        >
          {copied ? "Copied" : "Copy"}
        </button>
        <button type="button" onClick={onDone} className="underline">
          Done
        </button>
      </div>
    </div>
  );
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString() : "—");

/** The user's API keys: create (secret shown once), list, revoke after confirmation. */
export function ApiKeys() {
  const [keys, setKeys] = useState<ApiKeyRecord[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyRecord | null>(null);
  const [origin, setOrigin] = useState("");

  const load = useCallback(async () => {
    try {
      setKeys((await requestJson<{ items: ApiKeyRecord[] }>("/api/user/keys")).items);
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : "Keys could not be loaded");
    }
  }, []);
  useEffect(() => {
    setOrigin(window.location.origin);
    void load();
  }, [load]);

  return (
    <section aria-labelledby="keys-heading" className="space-y-4">
      <div>
        <h2 id="keys-heading" className="text-lg font-semibold">
          API keys
        </h2>
        <p className="text-sm text-zinc-500">
          Use a key with any OpenAI-compatible client: base URL <code data-testid="api-base-url">{origin}/v1</code>.
        </p>
      </div>
      {secret && <NewKeyNotice secret={secret} onDone={() => setSecret(null)} />}
      <CreateKeyForm
        onCreated={(key, record) => {
          setSecret(key);
          setKeys((list) => [record, ...(list ?? [])]);
        }}
      />
      {error && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}{" "}
          <button type="button" className="underline" onClick={() => void load()}>
            Retry
          </button>
        </p>
      )}
      {keys === null && !error && (
        <div className="h-16 animate-pulse rounded-xl bg-zinc-100 dark:bg-zinc-800" aria-label="Loading keys" />
      )}
      {keys?.length === 0 && <p className="text-sm text-zinc-500">You have no API keys yet.</p>}
      {keys && keys.length > 0 && (
        <ul
          data-testid="key-list"
          className="divide-y divide-zinc-200 rounded-xl border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800"
        >
          {keys.map((k) => {
            const status = keyStatus(k);
            return (
              <li
                key={k.id}
                data-testid="key-row"
                data-key-id={k.id}
                data-status={status}
                className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3 text-sm"
              >
                <div className="min-w-0 flex-1">
                  <p className="font-medium">{k.name}</p>
                  <p className="text-zinc-500">
                    <code>{k.prefix}…</code> · {k.allowedModels.length ? k.allowedModels.join(", ") : "every model"} ·
                    expires {when(k.expiresAt)} · last used {when(k.lastUsedAt)}
                  </p>
                </div>
                {status === "active" ? (
                  <button
                    type="button"
                    data-testid="key-revoke"
                    onClick={() => setRevoking(k)}
                    className="rounded-lg border border-red-300 px-2 py-1 text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-400 dark:hover:bg-red-950"
                  >
                    Revoke
                  </button>
                ) : (
                  <span className="rounded bg-zinc-100 px-2 py-0.5 text-xs uppercase text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400">
                    {status}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {revoking && (
        <ConfirmDialog
          open
          onClose={() => setRevoking(null)}
          title="Revoke this key?"
          message={<>Programs using “{revoking.name}” will stop working at once. This cannot be undone.</>}
          confirmLabel="Revoke key"
          onConfirm={async () => {
            const { record } = await requestJson<{ record: ApiKeyRecord }>(
              `/api/user/keys/${encodeURIComponent(revoking.id)}/revoke`,
              { method: "POST" },
            );
            setKeys((list) => list?.map((k) => (k.id === record.id ? record : k)) ?? null);
          }}
        />
      )}
    </section>
  );
}

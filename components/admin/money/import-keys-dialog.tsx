"use client";

import { useState } from "react";
import { Button, ErrorNote, Field, Input, TableScroll } from "@/components/admin/ui";
import { useSubmit } from "@/components/admin/use-submit";
import { Dialog } from "@/components/chat/dialog";
import { requestJson } from "@/components/settings/api";
import type { KeyImportResult } from "@/lib/keys/import";

/**
 * Import existing keys from a CSV (key,email[,name,balance,month_quota]) → POST
 * /api/admin/api-key/import: first a dry run that shows what would happen, then the import itself.
 */
export function ImportKeysDialog(props: { open: boolean; onClose: () => void; onImported: () => void }) {
  return (
    <Dialog open={props.open} onClose={props.onClose} title="Import keys" testId="import-keys-dialog">
      {props.open && <ImportForm onClose={props.onClose} onImported={props.onImported} />}
    </Dialog>
  );
}

function ImportForm(props: { onClose: () => void; onImported: () => void }) {
  const [csv, setCsv] = useState<string | null>(null);
  const [preview, setPreview] = useState<KeyImportResult | null>(null);
  const [done, setDone] = useState<KeyImportResult | null>(null);
  const { busy, error, run } = useSubmit("The import failed");

  const send = (text: string, dryRun: boolean) =>
    requestJson<KeyImportResult>("/api/admin/api-key/import", {
      method: "POST",
      body: JSON.stringify({ csv: text, dry_run: dryRun }),
    });

  async function pick(file: File | undefined) {
    setPreview(null);
    if (!file) return setCsv(null);
    const text = await file.text();
    setCsv(text);
    await run(async () => setPreview(await send(text, true)));
  }

  if (done) {
    return (
      <div className="space-y-3" data-testid="import-keys-result">
        <p className="text-sm">
          Imported {done.created} key(s) ({done.users_created} new user(s)); {done.unchanged} were already here and
          stayed as they were. They work at once.
        </p>
        <div className="flex justify-end">
          <Button variant="primary" onClick={props.onClose} data-testid="import-keys-done">
            Done
          </Button>
        </div>
      </div>
    );
  }

  return (
    <div className="space-y-3" data-testid="import-keys-form">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        A CSV with a header line: <code>key,email</code> and optionally <code>name,balance,month_quota</code>. Keys of
        any prefix (such as <code>br_…</code>, 32+ characters) are stored hashed; importing the same file again changes
        nothing.
      </p>
      <Field label="CSV file">
        <Input
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => void pick(e.target.files?.[0])}
          data-testid="import-keys-file"
        />
      </Field>
      <ErrorNote error={error} />
      {preview && (
        <TableScroll className="max-h-64 overflow-y-auto text-sm" testId="import-keys-preview">
          <p className="px-3 py-2 font-medium">
            Would import {preview.created} key(s) and create {preview.users_created} user(s); {preview.unchanged}{" "}
            already imported.
          </p>
          <table className="w-full text-left">
            <tbody>
              {preview.rows.map((r) => (
                <tr
                  key={r.row}
                  className="border-t border-zinc-100 dark:border-zinc-800"
                  data-testid={`import-keys-row-${r.row}`}
                >
                  <td className="px-3 py-1 text-zinc-500">{r.row}</td>
                  <td className="px-3 py-1 font-mono text-xs">{r.prefix}…</td>
                  <td className="px-3 py-1">{r.email}</td>
                  <td className="px-3 py-1">
                    {r.action === "create" ? (r.created_user ? "import (new user)" : "import") : "already here"}
                  </td>
                  <td className="px-3 py-1 tabular-nums">{r.balance ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <div className="flex justify-end gap-2">
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          variant="primary"
          disabled={busy || !preview || preview.created === 0}
          onClick={() =>
            void run(async () => {
              if (csv) setDone(await send(csv, false));
              props.onImported();
            })
          }
          data-testid="import-keys-apply"
        >
          {busy ? "Importing…" : "Import"}
        </Button>
      </div>
    </div>
  );
}

import type { z } from "zod";
import { getDb } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { parseCsv } from "./csv";

// The shared part of every import: rows from JSON or CSV, each validated on its own, and one error
// listing every bad row (nothing is written while any row is bad).

export type RowError = { row: number; field?: string; message: string };
export type ImportInput = { rows?: unknown[]; csv?: string };

/** Row numbers are 1-based: the JSON array index + 1, or the CSV line (the header is line 1). */
export function validateRows<T>(
  input: ImportInput,
  schema: z.ZodType<T>,
  columns: Record<string, string>,
): { rows: Array<{ row: number; value: T }>; errors: RowError[] } {
  const raw =
    input.csv !== undefined
      ? parseCsv(input.csv, columns).map((r) => ({ row: r.line, value: r.values as unknown }))
      : (input.rows ?? []).map((value, i) => ({ row: i + 1, value }));
  if (raw.length === 0)
    throw new AppError("validation_error", "csv: there are no rows under the header", { param: "csv" });
  const rows: Array<{ row: number; value: T }> = [];
  const errors: RowError[] = [];
  for (const { row, value } of raw) {
    const parsed = schema.safeParse(value);
    if (parsed.success) rows.push({ row, value: parsed.data });
    else {
      const issue = parsed.error.issues[0];
      const field = issue.path.join(".") || undefined;
      const message =
        issue.code === "unrecognized_keys"
          ? `unknown column ${issue.keys.map((k) => `'${k}'`).join(", ")}`
          : issue.message;
      errors.push({ row, field, message: field ? `${field} ${message}` : message });
    }
  }
  return { rows, errors };
}

/** Throws one 400 naming every bad row when there is any. */
export function assertNoRowErrors(errors: RowError[]): void {
  if (!errors.length) return;
  const sorted = [...errors].sort((a, b) => a.row - b.row);
  const first = sorted
    .slice(0, 3)
    .map((e) => `row ${e.row}: ${e.message}`)
    .join("; ");
  throw new AppError(
    "validation_error",
    `${errors.length} row(s) are invalid, nothing was imported: ${first}${errors.length > 3 ? "; …" : ""}`,
    {
      param: sorted[0].field ? `rows[${sorted[0].row}].${sorted[0].field}` : `rows[${sorted[0].row}]`,
      details: { rows: sorted },
    },
  );
}

/** Thrown inside a transaction to roll a dry run back after it computed its answer. */
export class DryRun<T> extends Error {
  constructor(readonly result: T) {
    super("dry run");
  }
}

/**
 * An import's writes in one transaction. A dry run computes the same answer and rolls everything
 * back; another writer of the same unique row at the same moment is a 409 naming `rows`.
 */
export async function importInOneTransaction<T>(
  input: { dryRun: boolean; clash: string },
  write: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  const db = await getDb();
  try {
    return await db.$transaction(
      async (tx) => {
        const out = await write(tx);
        if (input.dryRun) throw new DryRun(out);
        return out;
      },
      { timeout: 120_000 },
    );
  } catch (err) {
    if (err instanceof DryRun) return err.result as T;
    if (isUniqueViolation(err))
      throw new AppError(
        "conflict",
        `Another import or request wrote the same ${input.clash} at the same moment; run the import again`,
        { param: "rows" },
      );
    throw err;
  }
}

import { AppError } from "@/lib/errors";

// CSV as spreadsheets write it (RFC 4180: quoted cells, "" inside quotes, CRLF or LF, a BOM), read
// into one object per row keyed by the header. Empty cells are left out, so optional fields stay unset.

export const MAX_IMPORT_ROWS = 10_000;

function cellsOf(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === "") quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += c;
  }
  if (quoted)
    throw new AppError("validation_error", `csv: a quoted cell on line ${rows.length + 1} is never closed`, {
      param: "csv",
    });
  if (cell !== "" || row.length) rows.push([...row, cell]);
  return rows;
}

/**
 * Rows of a CSV text with a header line. `rename` maps other names of a column (lower-cased) to
 * the field the import expects. Each row carries its line number for error messages.
 */
export function parseCsv(
  text: string,
  rename: Record<string, string> = {},
): Array<{ line: number; values: Record<string, string> }> {
  const lines = cellsOf(text.replace(/^\uFEFF/, ""));
  const header = (lines[0] ?? []).map((h) => {
    const name = h
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, "_");
    return rename[name] ?? name;
  });
  if (!header.some(Boolean))
    throw new AppError("validation_error", "csv: the first line must name the columns", { param: "csv" });
  const dup = header.find((h, i) => h && header.indexOf(h) !== i);
  if (dup) throw new AppError("validation_error", `csv: the column '${dup}' appears twice`, { param: "csv" });
  const rows = [];
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i];
    if (cells.every((c) => c.trim() === "")) continue;
    if (cells.length > header.length)
      throw new AppError(
        "validation_error",
        `csv: line ${i + 1} has ${cells.length} cells but the header names ${header.length}`,
        { param: "csv" },
      );
    const values: Record<string, string> = {};
    cells.forEach((c, j) => {
      if (c.trim() !== "") values[header[j]] = c.trim();
    });
    rows.push({ line: i + 1, values });
  }
  if (rows.length > MAX_IMPORT_ROWS)
    throw new AppError("validation_error", `csv: at most ${MAX_IMPORT_ROWS} rows at a time`, { param: "csv" });
  return rows;
}

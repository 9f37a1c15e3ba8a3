import type { UsageReport } from "./queries";

// The usage report as CSV for spreadsheets. Cells that a spreadsheet would run as a formula
// (=, +, -, @ at the start) are prefixed with a quote so a label cannot inject one.

function cell(value: string | number): string {
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function usageCsv(report: UsageReport): string {
  const header = [
    report.group_by,
    "label",
    "requests",
    "prompt_tokens",
    "completion_tokens",
    "cost",
    "avg_cost_per_request",
  ];
  const lines = [header.join(",")];
  for (const r of report.rows) {
    lines.push(
      [r.key, r.label, r.requests, r.promptTokens, r.completionTokens, r.cost, r.avgCostPerRequest].map(cell).join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

export function usageCsvFilename(report: UsageReport): string {
  return `tollgate-usage-${report.from}-to-${report.to}-by-${report.group_by}.csv`;
}

import { formatMoney, formatNumber } from "@/components/admin/format";
import type { LimitView } from "@/lib/validations/admin-responses";

/** A wallet in one or two short lines for a table cell: balance, quota and rates that are set. */
export function LimitSummary({ limit }: { limit: LimitView | null }) {
  const parts: string[] = [];
  if (limit?.balance != null) parts.push(`Balance ${formatMoney(limit.balance)}`);
  if (limit?.monthlyQuota != null)
    parts.push(`Quota ${formatMoney(limit.monthSpent)} / ${formatMoney(limit.monthlyQuota)}`);
  if (limit?.tokenAllowance != null) parts.push(`${formatNumber(limit.tokenAllowance)} tokens`);
  if (limit?.dailyRequestLimit != null) parts.push(`${formatNumber(limit.dailyRequestLimit)}/day`);
  if (limit?.rpm != null) parts.push(`${formatNumber(limit.rpm)} rpm`);
  if (limit?.tpm != null) parts.push(`${formatNumber(limit.tpm)} tpm`);
  if (parts.length === 0) return <span className="text-zinc-500">No limits</span>;
  return <span className="text-xs text-zinc-600 dark:text-zinc-400">{parts.join(" · ")}</span>;
}

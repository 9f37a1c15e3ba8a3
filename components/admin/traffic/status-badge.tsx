import { Badge } from "@/components/admin/ui";
import type { RequestStatus } from "@/lib/validations/admin-responses";

const tones = { OK: "green", PARTIAL: "amber", ERROR: "red", ABORTED: "zinc", PENDING: "blue" } as const;

export function StatusBadge({ status }: { status: RequestStatus }) {
  return <Badge tone={tones[status] ?? "zinc"}>{status}</Badge>;
}

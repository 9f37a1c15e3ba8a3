import { Badge } from "@/components/admin/ui";
import { type ApiKeyRecord, keyStatus } from "@/components/settings/api";

const tones = { active: "green", revoked: "red", expired: "amber" } as const;
const labels = { active: "Active", revoked: "Revoked", expired: "Expired" } as const;

/** Active, revoked or expired, as a coloured badge (`data-status` for tests). */
export function KeyStatusBadge({ apiKey }: { apiKey: ApiKeyRecord }) {
  const status = keyStatus(apiKey);
  return (
    <span data-testid="key-status" data-status={status}>
      <Badge tone={tones[status]}>{labels[status]}</Badge>
    </span>
  );
}

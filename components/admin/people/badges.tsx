import { Badge } from "@/components/admin/ui";
import type { Role, UserStatus } from "@/lib/validations/admin-responses";

export function RoleBadge({ role }: { role: Role }) {
  return <Badge tone={role === "ADMIN" ? "blue" : "zinc"}>{role === "ADMIN" ? "Admin" : "User"}</Badge>;
}

export function UserStatusBadge({ status }: { status: UserStatus }) {
  return <Badge tone={status === "ACTIVE" ? "green" : "red"}>{status === "ACTIVE" ? "Active" : "Disabled"}</Badge>;
}

import { UsagePage } from "@/components/admin/usage/usage-page";

export const metadata = { title: "Usage · Admin · Tollgate" };

export default function AdminUsagePage() {
  return <UsagePage />;
}

import { LogsPage } from "@/components/admin/ops/logs-page";

export const metadata = { title: "Logs · Admin · Tollgate" };

export default function AdminLogsPage() {
  return <LogsPage />;
}

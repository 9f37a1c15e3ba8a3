import { OverviewPage } from "@/components/admin/overview/overview-page";

export const metadata = { title: "Overview · Admin · Tollgate" };

export default function AdminOverviewPage() {
  return <OverviewPage />;
}

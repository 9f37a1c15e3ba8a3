import { SettingsPage } from "@/components/admin/settings/settings-page";

export const metadata = { title: "Settings · Admin · Tollgate" };

export default function AdminSettingsPage() {
  return <SettingsPage />;
}

import { ProvidersPage } from "@/components/admin/catalog/providers-page";

export const metadata = { title: "Providers · Admin · Tollgate" };

export default function AdminProvidersPage() {
  return <ProvidersPage />;
}

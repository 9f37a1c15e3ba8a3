import { AdminNav } from "@/components/admin/nav";
import { requirePageAdmin } from "@/lib/auth/page-session";

export const dynamic = "force-dynamic";

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  await requirePageAdmin();
  return (
    <div className="flex h-full min-h-0 flex-col md:flex-row">
      <AdminNav />
      <div className="min-h-0 min-w-0 flex-1 overflow-y-auto" data-testid="admin-content">
        <div className="mx-auto max-w-7xl p-4 sm:p-6">{children}</div>
      </div>
    </div>
  );
}

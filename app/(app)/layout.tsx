import { AppHeader } from "@/components/shell/app-header";
import { requirePageUser } from "@/lib/auth/page-session";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await requirePageUser();
  return (
    <div className="flex h-dvh flex-col overflow-hidden">
      <AppHeader user={user} />
      <main className="min-h-0 flex-1">{children}</main>
    </div>
  );
}

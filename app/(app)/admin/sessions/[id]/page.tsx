import { SessionDetailView } from "@/components/admin/traffic/session-detail";

export const metadata = { title: "Session · Admin · Tollgate" };

export default async function AdminSessionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <SessionDetailView id={id} />;
}

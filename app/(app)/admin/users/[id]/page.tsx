import { UserDetailView } from "@/components/admin/people/user-detail";

export const metadata = { title: "User · Admin · Tollgate" };

export default async function AdminUserPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <UserDetailView key={id} id={id} />;
}

import Link from "next/link";
import { ThreadDetailView } from "@/components/admin/traffic/thread-detail";
import { PageHeader } from "@/components/admin/ui";

export const metadata = { title: "Request · Admin · Tollgate" };

export default async function AdminThreadPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <>
      <Link
        href="/admin/threads"
        className="text-sm text-blue-700 underline-offset-2 hover:underline dark:text-blue-400"
      >
        ← Threads
      </Link>
      <div className="mt-2">
        <PageHeader title="Request" />
      </div>
      <ThreadDetailView id={id} />
    </>
  );
}

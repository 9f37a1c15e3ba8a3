import Link from "next/link";
import { PaymentResult } from "@/components/settings/payment-result";
import { requirePageUser } from "@/lib/auth/page-session";

export const metadata = { title: "Payment · Tollgate" };

export default async function PaymentPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ canceled?: string }>;
}) {
  await requirePageUser();
  const { id } = await params;
  const { canceled } = await searchParams;
  return (
    <div className="h-full overflow-y-auto">
      <div className="mx-auto max-w-xl space-y-6 px-4 py-8">
        <Link href="/settings" className="text-sm text-zinc-500 underline-offset-4 hover:underline">
          ← Back to settings
        </Link>
        <PaymentResult id={id} canceled={canceled === "1"} />
      </div>
    </div>
  );
}

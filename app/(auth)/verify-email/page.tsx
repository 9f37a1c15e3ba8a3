import { MailLinkForm } from "@/components/auth/mail-link-form";

export const metadata = { title: "Confirm your address · Tollgate", referrer: "no-referrer" };

export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  return <MailLinkForm kind="verify" token={typeof token === "string" ? token : undefined} />;
}

import { MailLinkForm } from "@/components/auth/mail-link-form";

export const metadata = { title: "New password · Tollgate", referrer: "no-referrer" };

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  return <MailLinkForm kind="reset" token={typeof token === "string" ? token : undefined} />;
}

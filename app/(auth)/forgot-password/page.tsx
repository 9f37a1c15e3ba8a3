import { MailLinkForm } from "@/components/auth/mail-link-form";

export const metadata = { title: "Forgot password · Tollgate" };

export default function ForgotPasswordPage() {
  return <MailLinkForm kind="forgot" />;
}

"use client";

import { PageHeader } from "@/components/admin/ui";
import { ConfigForm } from "./config-form";
import { RegionsForm } from "./regions-form";

/** Global settings: who may sign up, gateway-wide limits, defaults for new users, Bedrock regions. */
export function SettingsPage() {
  return (
    <div className="space-y-4">
      <PageHeader title="Settings" description="Gateway-wide settings. Every change is written to the audit log." />
      <ConfigForm />
      <RegionsForm />
    </div>
  );
}

// POST /compat/synapse/admin/api/restart – 501: a supervisor owns the process and restarts it gracefully (the answer says how).
import { NextResponse } from "next/server";
import { RESTART_EXPLAINED } from "@/lib/compat/synapse/admin";
import { withSynapseAdmin } from "@/lib/compat/synapse/handler";

export const POST = withSynapseAdmin(async () =>
  NextResponse.json({ detail: RESTART_EXPLAINED, code: "not_implemented" }, { status: 501 }),
);

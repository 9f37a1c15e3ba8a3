import "server-only";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { metricsStream } from "@/lib/metrics/stream";
import { listEnabledModels } from "@/lib/providers/catalog";
import { usernameForEmail } from "../basic-username";
import { SYNAPSE_DOMAIN } from "./handler";

// SynapseChat's /admin/ws messages: the admin chart's own sample every five seconds, in its fields.
// scripts/synapse-ws.mjs carries this stream over a WebSocket.

type NativeMetrics = {
  cpu: number;
  memory: number;
  network: number;
  disk: number;
  requestsToday: number;
  requestsTotal: number;
};

async function synapseMessage(m: NativeMetrics) {
  const db = await getDb();
  const [users, models] = await Promise.all([
    db.user.findMany({
      where: { status: "ACTIVE" },
      select: { email: true },
      orderBy: { createdAt: "asc" },
      take: 1000,
    }),
    listEnabledModels(),
  ]);
  return {
    type: "metrics",
    cpu: m.cpu,
    memory: m.memory,
    network: Math.round(m.network * 100) / 100,
    disk: m.disk,
    day_total: m.requestsToday,
    total: m.requestsTotal,
    users: users.map((u) => usernameForEmail(u.email, SYNAPSE_DOMAIN)),
    models: models.map((x) => x.publicId),
    port: String(config().PORT),
  };
}

export function synapseMetricsStream(request: Request): Response {
  return metricsStream({ request, present: (m) => synapseMessage(m as NativeMetrics) });
}

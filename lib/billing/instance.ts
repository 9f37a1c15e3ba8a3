import "server-only";
import { randomUUID } from "node:crypto";

const globalForInstance = globalThis as unknown as { tollgateInstanceId?: string };

/** This process's id: PENDING requests carry it so a crashed instance's reservations can be found. */
export function instanceId(): string {
  globalForInstance.tollgateInstanceId ??= randomUUID();
  return globalForInstance.tollgateInstanceId;
}

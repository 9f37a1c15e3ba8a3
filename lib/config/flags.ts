// Boolean environment flags, read the same way by lib/config and by proxy.ts (which runs before
// any route and cannot import the server-only configuration module).
export function isEnvFlagSet(value: string | undefined): boolean {
  // "on" and "ok" too: BRConnector's sample sets PGSQL_DEBUG_MODE=ok.
  return value === "true" || value === "1" || value === "yes" || value === "on" || value === "ok";
}

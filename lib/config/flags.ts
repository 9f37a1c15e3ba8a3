// Boolean environment flags, read the same way by lib/config and by proxy.ts (which runs before
// any route and cannot import the server-only configuration module).
export function isEnvFlagSet(value: string | undefined): boolean {
  return value === "true" || value === "1" || value === "yes";
}

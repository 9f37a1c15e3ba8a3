// Runs once when the Next.js server starts: validate the configuration, migrate, bootstrap.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // Before the first request: every request carries its socket's peer address (lib/net/peer-address.ts).
    const { stampPeerAddresses } = await import("./lib/net/peer-address");
    stampPeerAddresses();
    const { startTollgateOrExit } = await import("./lib/startup");
    await startTollgateOrExit();
  }
}

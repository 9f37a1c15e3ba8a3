// Runs once when the Next.js server starts: validate the configuration, migrate, bootstrap.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startTollgateOrExit } = await import("./lib/startup");
    await startTollgateOrExit();
  }
}

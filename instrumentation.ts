// Runs once when the Next.js server starts: validate the configuration, migrate, bootstrap.
// A failure prints one line and exits non-zero instead of serving a broken app.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startTollgate, describeStartupFailure } = await import("./lib/startup");
  try {
    await startTollgate();
  } catch (err) {
    console.error(describeStartupFailure(err));
    process.exit(1);
  }
}

// A throwaway redis-server for scripts that must stop and start Redis (npm run test:multi restarts
// it mid-run): its own port, nothing saved to disk, never the Redis other work shares.
import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort, spawnGroup } from "./server.mjs";

const START_TIMEOUT_MS = 10_000;

/** Whether a Redis answers PING on the port. */
function pong(port) {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const done = (ok) => (socket.destroy(), resolve(ok));
    socket.setTimeout(1_000, () => done(false));
    socket.on("error", () => done(false));
    socket.on("data", (data) => done(data.toString().startsWith("+PONG")));
    socket.on("connect", () => socket.write("PING\r\n"));
  });
}

export async function startRedisServer() {
  const port = await freePort();
  let server;
  const start = async () => {
    server = spawnGroup("redis", "redis-server", [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
    ]);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await pong(port))) {
      if (!server.running || Date.now() > deadline)
        throw new Error(`redis-server did not start on port ${port}:\n${server.output.slice(-2000)}`);
      await sleep(50);
    }
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => server.stop(),
    /** Stops Redis, runs `during` while it is away, and starts it again on the same port. */
    async restart(during) {
      await server.stop();
      await during();
      await start();
    },
  };
}

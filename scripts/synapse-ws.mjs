// SynapseChat's admin WebSocket (/compat/synapse/admin/ws). Next.js route handlers cannot take a
// WebSocket upgrade, so the server takes it here and relays the route's own server-sent events:
// the route (app/compat/synapse/admin/ws) checks the Basic credentials and builds every message;
// this file only carries them. A refused upgrade gets the route's answer (401, 403) as is.
import http from "node:http";
import { WebSocketServer } from "ws";

export const SYNAPSE_WS_PATH = "/compat/synapse/admin/ws";

/** Serves SynapseChat's /admin/ws on `server`; `origin` is where this same server answers HTTP (loopback). */
export function attachSynapseWebSocket(server, { origin }) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on("upgrade", (req, socket, head) => {
    const q = req.url.indexOf("?");
    if ((q === -1 ? req.url : req.url.slice(0, q)) !== SYNAPSE_WS_PATH) return void socket.destroy();
    const left = new AbortController();
    socket.once("close", () => left.abort());
    const headers = { accept: "text/event-stream" };
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    fetch(`${origin}${req.url}`, { headers, signal: left.signal })
      .then(async (res) => {
        if (res.status !== 200) return void refuse(socket, res);
        wss.handleUpgrade(req, socket, head, (ws) => void relay(res.body, ws, left));
      })
      .catch(() => socket.destroy());
  });
  return wss;
}

async function refuse(socket, res) {
  const body = await res.text();
  const challenge = res.headers.get("www-authenticate");
  socket.end(
    `HTTP/1.1 ${res.status} ${http.STATUS_CODES[res.status] ?? ""}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `${challenge ? `www-authenticate: ${challenge}\r\n` : ""}connection: close\r\n\r\n${body}`,
  );
}

/** Each `data:` line of the event stream becomes one WebSocket text message. */
async function relay(body, ws, left) {
  ws.once("close", () => left.abort());
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for await (const chunk of body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) !== -1) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        for (const line of event.split("\n")) if (line.startsWith("data: ")) ws.send(line.slice(6));
      }
    }
  } catch {
    // the client left (abort) or the server is stopping: nothing more to relay
  }
  ws.close();
}

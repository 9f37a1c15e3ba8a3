// A self-signed certificate for 127.0.0.1 and localhost, made once per process by openssl, for the
// fake upstream's TLS mode (HTTP/2 with HTTP/1.1 beside it, as OpenAI and Bedrock serve).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

let made;

/** { key, cert } in PEM; the cert is its own CA (trust it with `ca` or NODE_EXTRA_CA_CERTS). */
export function selfSignedCert() {
  if (made) return made;
  const dir = mkdtempSync(path.join(os.tmpdir(), "fake-upstream-tls-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-subj",
        "/CN=fake-upstream",
        "-addext",
        "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "-days",
        "7",
        "-keyout",
        path.join(dir, "key.pem"),
        "-out",
        path.join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    made = {
      key: readFileSync(path.join(dir, "key.pem"), "utf8"),
      cert: readFileSync(path.join(dir, "cert.pem"), "utf8"),
    };
    return made;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** { key, cert } in PEM for 127.0.0.1 and localhost; the cert is its own CA. Made once per process by openssl. */
export function selfSignedCert(): { key: string; cert: string };

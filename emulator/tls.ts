import { mkdirSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generate } from "selfsigned";

export interface GeneratedCertificate {
  cert: string;
  key: string;
  /** Where the certificate (PEM) was written, for clients to trust as their CA file. */
  certPath: string;
}

/**
 * A self-signed certificate for localhost, 127.0.0.1 and ::1 (plus an extra host name, if given), written to
 * a file so that a client can be pointed at it as its CA certificate. It is its own CA.
 */
export async function createSelfSignedCertificate(options: { dir?: string; hostName?: string } = {}): Promise<GeneratedCertificate> {
  const altNames: Array<{ type: 2 | 7; value?: string; ip?: string }> = [
    { type: 2, value: "localhost" },
    { type: 7, ip: "127.0.0.1" },
    { type: 7, ip: "::1" },
  ];
  if (options.hostName && !["localhost", "127.0.0.1", "::1"].includes(options.hostName)) {
    altNames.push(/^[\d.]+$|:/.test(options.hostName) ? { type: 7, ip: options.hostName } : { type: 2, value: options.hostName });
  }
  const pems = await generate([{ name: "commonName", value: "Veeam EM emulator" }], {
    keyType: "ec",
    curve: "P-256",
    notAfterDate: new Date(Date.now() + 365 * 24 * 3600 * 1000),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames },
    ],
  });
  const dir = options.dir ?? path.join(os.tmpdir(), "veeam-em-emulator");
  mkdirSync(dir, { recursive: true });
  const certPath = path.join(dir, `emulator-ca-${process.pid}.pem`);
  writeFileSync(certPath, pems.cert);
  return { cert: pems.cert, key: pems.private, certPath };
}

import { expect } from "chai";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { createSelfSignedCertificate } from "../../emulator/tls";

/** One HTTPS request to a throw-away server holding the certificate, with the certificate as the only CA. */
async function handshake(cert: { cert: string; key: string }, connectTo: string, servername?: string): Promise<number> {
  const server = https.createServer({ cert: cert.cert, key: cert.key }, (_req, res) => res.end("ok"));
  await new Promise<void>((resolve) => server.listen(0, connectTo, resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<number>((resolve, reject) => {
      const req = https.get({ host: connectTo, port, path: "/", ca: cert.cert, agent: false, servername }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
    });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe("emulator: its self-signed certificate (emulator/tls.ts, node:crypto only)", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(os.tmpdir(), "em-tls-test-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("is a valid self-signed CA certificate for localhost, 127.0.0.1 and ::1, valid about a year, written where it says", async () => {
    const c = await createSelfSignedCertificate({ dir });
    expect(path.dirname(c.certPath)).to.equal(dir);
    expect(readFileSync(c.certPath, "utf8")).to.equal(c.cert);
    const x = new X509Certificate(c.cert);
    expect(x.verify(x.publicKey), "signed by its own key").to.equal(true);
    expect(x.checkIssued(x), "its own issuer").to.equal(true);
    expect(x.ca).to.equal(true);
    expect(x.checkHost("localhost")).to.equal("localhost");
    expect(x.checkIP("127.0.0.1")).to.equal("127.0.0.1");
    expect(x.checkIP("::1")).to.equal("::1");
    expect(x.checkHost("example.com")).to.equal(undefined);
    expect(x.keyUsage).to.deep.equal(["1.3.6.1.5.5.7.3.1"]); // serverAuth
    const days = (Date.parse(x.validTo) - Date.now()) / 86_400_000;
    expect(days).to.be.within(364, 366);
    expect(Date.parse(x.validFrom)).to.be.below(Date.now());
    expect(c.key).to.match(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it("adds the host the emulator binds to, name or address, and makes a new key every time", async () => {
    const named = new X509Certificate((await createSelfSignedCertificate({ dir, hostName: "em.example.test" })).cert);
    expect(named.checkHost("em.example.test")).to.equal("em.example.test");
    const v6 = new X509Certificate((await createSelfSignedCertificate({ dir, hostName: "fd00::2:1" })).cert);
    expect(v6.checkIP("fd00::2:1")).to.equal("fd00::2:1");
    expect(v6.checkIP("fd00::1:2")).to.equal(undefined);
    const v4 = new X509Certificate((await createSelfSignedCertificate({ dir, hostName: "10.1.2.3" })).cert);
    expect(v4.checkIP("10.1.2.3")).to.equal("10.1.2.3");
    expect(named.serialNumber).to.not.equal(v4.serialNumber);
    expect(named.publicKey.export({ type: "spki", format: "der" }).equals(v4.publicKey.export({ type: "spki", format: "der" }))).to.equal(false);
  });

  it("is trusted by Node's TLS as a CA file for 127.0.0.1 and for the name localhost, and refused for another name", async () => {
    const c = await createSelfSignedCertificate({ dir });
    expect(await handshake(c, "127.0.0.1")).to.equal(200);
    expect(await handshake(c, "127.0.0.1", "localhost")).to.equal(200);
    let error: NodeJS.ErrnoException | undefined;
    await handshake(c, "127.0.0.1", "em.example.test").catch((e: NodeJS.ErrnoException) => (error = e));
    expect(error?.code).to.equal("ERR_TLS_CERT_ALTNAME_INVALID");
  });
});

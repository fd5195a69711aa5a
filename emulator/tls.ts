/**
 * The emulator's self-signed certificate for `--tls`, made with node:crypto alone.
 *
 * Node can make keys and signatures but not X.509 certificates, so the few DER structures of one self-signed
 * certificate (RFC 5280) are written out here. This spares every user of the provider a certificate library
 * (about 6 MB with its dependencies) that only the emulator's `--tls` needs, needs no `openssl` on the machine,
 * and ships no private key: each run makes its own.
 */
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { lstatSync, mkdirSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export interface GeneratedCertificate {
  cert: string;
  key: string;
  /** Where the certificate (PEM) was written, for clients to trust as their CA file. */
  certPath: string;
}

const VALIDITY_DAYS = 365;
const COMMON_NAME = "Veeam EM emulator";

// ---- DER (X.690): tag, length, content ----

function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}
const sequence = (...items: Buffer[]) => der(0x30, ...items);
const set = (...items: Buffer[]) => der(0x31, ...items);
const explicit = (n: number, item: Buffer) => der(0xa0 + n, item);
const octets = (value: Buffer) => der(0x04, value);
const bits = (value: Buffer, unusedBits = 0) => der(0x03, Buffer.from([unusedBits]), value);
const boolTrue = () => der(0x01, Buffer.from([0xff]));
const utf8 = (text: string) => der(0x0c, Buffer.from(text, "utf8"));

function integer(value: Buffer): Buffer {
  return der(0x02, value[0] & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const bytes = [40 * a + b];
  for (const arc of rest) {
    const groups = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) groups.unshift((v & 0x7f) | 0x80);
    bytes.push(...groups);
  }
  return der(0x06, Buffer.from(bytes));
}

/** UTCTime up to 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5). */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z"; // YYYYMMDDHHMMSSZ
  return date.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(iso.slice(2), "ascii")) : der(0x18, Buffer.from(iso, "ascii"));
}

/** An IP address as the 4 or 16 bytes of a subjectAltName iPAddress. */
function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split(".").map(Number));
  const [head, tail = ""] = ip.split("::");
  const groups = (s: string) => (s === "" ? [] : s.split(":").map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = ip.includes("::") ? groups(tail) : [];
  const all = [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(g, 2 * i));
  return out;
}

function subjectAltNames(names: string[]): Buffer {
  const general = names.map((n) => (isIP(n) ? der(0x87, ipBytes(n)) : der(0x82, Buffer.from(n, "ascii"))));
  return sequence(...general);
}

const extension = (id: string, critical: boolean, value: Buffer) => sequence(oid(id), ...(critical ? [boolTrue()] : []), octets(value));

const pem = (label: string, body: Buffer) => `-----BEGIN ${label}-----\n${body.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n?$/, "\n")}-----END ${label}-----\n`;

/**
 * A self-signed certificate for localhost, 127.0.0.1 and ::1 (plus an extra host name or address, if given),
 * written to a file so that a client can be pointed at it as its CA certificate. It is its own CA. ECDSA P-256.
 */
export async function createSelfSignedCertificate(options: { dir?: string; hostName?: string } = {}): Promise<GeneratedCertificate> {
  const names = ["localhost", "127.0.0.1", "::1"];
  if (options.hostName && !names.includes(options.hostName)) names.push(options.hostName);

  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const ecdsaWithSha256 = sequence(oid("1.2.840.10045.4.3.2"));
  const name = sequence(set(sequence(oid("2.5.4.3"), utf8(COMMON_NAME))));
  const now = Date.now();
  const serial = randomBytes(16);
  serial[0] &= 0x7f; // positive
  serial[0] |= 0x01; // and not zero

  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serial),
    ecdsaWithSha256,
    name, // issuer: itself
    sequence(time(new Date(now - 3600_000)), time(new Date(now + VALIDITY_DAYS * 24 * 3600_000))),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    explicit(
      3,
      sequence(
        extension("2.5.29.19", true, sequence(boolTrue())), // basicConstraints: a CA
        extension("2.5.29.15", true, bits(Buffer.from([0x84]), 2)), // keyUsage: digitalSignature, keyCertSign
        extension("2.5.29.37", false, sequence(oid("1.3.6.1.5.5.7.3.1"))), // extKeyUsage: serverAuth
        extension("2.5.29.17", false, subjectAltNames(names)),
      ),
    ),
  );
  const certificate = sequence(tbs, ecdsaWithSha256, bits(sign("sha256", tbs, privateKey)));

  const cert = pem("CERTIFICATE", certificate);
  const key = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const dir = options.dir ?? userTempDirectory();
  if (options.dir !== undefined) mkdirSync(dir, { recursive: true });
  // A new file of a name no one can guess, never one that is there already (or a link someone put there).
  const certPath = path.join(dir, `emulator-ca-${process.pid}-${randomBytes(6).toString("hex")}.pem`);
  writeFileSync(certPath, cert, { flag: "wx", mode: 0o644 });
  return { cert, key, certPath };
}

/**
 * The emulator's directory in the system's temp directory, this user's alone (0700): in a temp directory shared
 * by every user, another could otherwise make the directory first, or put a link in its place.
 */
function userTempDirectory(): string {
  const uid = process.getuid?.();
  const dir = path.join(os.tmpdir(), `veeam-em-emulator-${uid ?? os.userInfo().username}`);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const stat = lstatSync(dir);
  const ours = stat.isDirectory() && (uid === undefined || (stat.uid === uid && (stat.mode & 0o077) === 0));
  if (!ours) throw new Error(`${dir} is not a directory of this user's alone (it is a link, has another owner, or others may write to it): remove it, or give --tls-dir`);
  return dir;
}

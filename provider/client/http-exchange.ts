/**
 * One HTTP exchange with EM on Node's own http/https: the request sent on the agent given, the answer read in full
 * as text. It replaces axios, whose per-request machinery (a merged config, header objects, an abort emitter)
 * kept about 1–2 KB a request alive past its end and roughly doubled the provider's memory over a run of 500
 * resources (README, Performance). What axios did for us is done here: the answer decompressed (gzip, deflate,
 * br), a UTF-8 byte-order mark dropped, a cap on the answer's size, one deadline for the whole exchange, and
 * HTTP(S)_PROXY / NO_PROXY through Node's own proxy support (proxyAgentOptions).
 */
import * as http from "node:http";
import * as https from "node:https";
import * as zlib from "node:zlib";
import type { Clock } from "./retry";

export interface Exchange {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  /** The connection pool: kept-alive, or a new connection per request. */
  agent: http.Agent;
  /** The whole exchange, from sending to the last byte of the answer, within this many milliseconds. */
  deadlineMs: number;
  /** The clock the deadline runs on (the client's). */
  clock: Pick<Clock, "sleep">;
  /** The largest answer read, after decompression. */
  maxBytes: number;
}

export interface ExchangeAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * A failed exchange: `code` is Node's (ECONNREFUSED, a TLS code, …) or, where Node gives none, EM_DEADLINE,
 * EM_TOO_LARGE, EM_BAD_ENCODING or ECONNRESET (an answer cut short).
 */
export class ExchangeError extends Error {
  override readonly name = "ExchangeError";
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

type Decoder = zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress;

/** Decoders by Content-Encoding ("deflate" may also be raw deflate: see decode). A Map: a header is no property name. */
const DECODERS = new Map<string, () => Decoder>([
  ["gzip", () => zlib.createGunzip()],
  ["x-gzip", () => zlib.createGunzip()],
  ["deflate", () => zlib.createInflate()],
  ["br", () => zlib.createBrotliDecompress()],
]);

/**
 * A decoder's failure. A compressed stream that stops before its end (zlib's Z_BUF_ERROR, "unexpected end of file")
 * is an answer cut short, as on a connection that ends the answer by closing: a broken connection, so that a change
 * whose answer it was counts as of unknown outcome and is checked, never as refused. Anything else is not EM's
 * encoding.
 */
function decodeFailure(encoding: string, err: NodeJS.ErrnoException): ExchangeError {
  if (err.code === "Z_BUF_ERROR") return new ExchangeError("ECONNRESET", `the ${encoding} answer ended before its compressed stream did`, { cause: err });
  return new ExchangeError("EM_BAD_ENCODING", `the ${encoding} answer cannot be decompressed: ${err.message}`, { cause: err });
}

/** Whether deflate data starts with the two-byte zlib header (RFC 1950), rather than being raw deflate (RFC 1951). */
function hasZlibHeader(data: Buffer): boolean {
  return data.length >= 2 && (data[0] & 0x0f) === 8 && ((data[0] << 8) | data[1]) % 31 === 0;
}

/** The encodings asked for: EM behind IIS compresses large answers (a page of 100 subtenants) when asked. */
export const ACCEPT_ENCODING = "gzip, deflate, br";

export function exchange(x: Exchange): Promise<ExchangeAnswer> {
  const transport = x.url.protocol === "https:" ? https : http;
  const headers: Record<string, string | number> = { "Accept-Encoding": ACCEPT_ENCODING, ...x.headers };
  if (x.body !== undefined) headers["Content-Length"] = Buffer.byteLength(x.body);
  return new Promise<ExchangeAnswer>((resolve, reject) => {
    let settled = false;
    /** The answer's decoder, once chosen: stopped with the exchange, so it inflates nothing more. */
    let decoder: Decoder | undefined;
    /** Aborted when the exchange ends, which ends its deadline too. */
    const ended = new AbortController();
    const req = transport.request(x.url, { method: x.method, headers, agent: x.agent });
    const finish = (err: Error | undefined, answer?: ExchangeAnswer) => {
      if (settled) return;
      settled = true;
      ended.abort();
      if (err) {
        req.destroy();
        decoder?.destroy();
        reject(err);
      } else resolve(answer as ExchangeAnswer);
    };
    void x.clock.sleep(x.deadlineMs, ended.signal, { timer: true }).then(() => ended.signal.aborted || finish(new ExchangeError("EM_DEADLINE", `no complete answer within ${x.deadlineMs} ms`)));
    req.on("error", (err) => finish(err));
    req.on("response", (res) => {
      const encoding = String(res.headers["content-encoding"] ?? "identity").trim().toLowerCase();
      const plain = encoding === "identity" || encoding === "";
      const makeDecoder = DECODERS.get(encoding);
      if (!plain && !makeDecoder) {
        res.resume();
        return finish(new ExchangeError("EM_BAD_ENCODING", `the answer is encoded as '${encoding}', which is not one asked for (${ACCEPT_ENCODING})`));
      }
      const chunks: Buffer[] = [];
      let bytes = 0;
      const tooLarge = () => finish(new ExchangeError("EM_TOO_LARGE", `the answer is larger than ${x.maxBytes} bytes`));
      const take = (chunk: Buffer) => {
        if (settled) return;
        bytes += chunk.length;
        if (bytes > x.maxBytes) return tooLarge();
        chunks.push(chunk);
      };
      const done = () => {
        const text = Buffer.concat(chunks).toString("utf8");
        finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text });
      };
      // The decoder is chosen on the first bytes: an empty body (a 204 that names gzip) is empty text, not a zlib
      // error, and "deflate" may come with or without its zlib header (servers differ; axios took both).
      let head: Buffer | undefined;
      let received = 0;
      const decode = (chunk: Buffer) => {
        if (!decoder) {
          decoder = encoding === "deflate" && !hasZlibHeader(chunk) ? zlib.createInflateRaw() : (makeDecoder as () => Decoder)();
          decoder.on("data", take);
          decoder.on("end", () => !settled && done());
          decoder.on("error", (err: NodeJS.ErrnoException) => finish(decodeFailure(encoding, err)));
        }
        decoder.write(chunk);
      };
      res.on("data", (chunk: Buffer) => {
        if (settled) return;
        if (plain) return take(chunk);
        // Compressed bytes count against the cap too, so that a decoder never queues more than it.
        received += chunk.length;
        if (received > x.maxBytes) return tooLarge();
        head = head ? Buffer.concat([head, chunk]) : chunk;
        if (!decoder && head.length < 2) return; // a zlib header is two bytes
        decode(head);
        head = undefined;
      });
      res.on("end", () => {
        if (settled) return;
        if (head) decode(head);
        if (decoder) decoder.end();
        else done();
      });
      res.on("error", (err) => finish(err));
      // An answer cut off before its end (the connection closed mid-body).
      res.on("close", () => {
        if (!res.complete) finish(new ExchangeError("ECONNRESET", "the connection closed before the answer was complete"));
      });
    });
    req.end(x.body);
  });
}

const PROXY_VARIABLES = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"];

/** Node's own proxy support for agents (the `proxyEnv` option): 22.21 and later 22.x, 24.5 and later. */
export function nodeSupportsProxyEnv(version = process.versions.node): boolean {
  const [major, minor] = version.split(".").map(Number);
  return major > 24 || (major === 24 && minor >= 5) || (major === 22 && minor >= 21);
}

/**
 * Agent options that send EM's traffic through the proxy the environment names (HTTP(S)_PROXY, minus NO_PROXY),
 * as axios did. Without such variables: none. On a Node that cannot do it: none, and a warning.
 */
export function proxyAgentOptions(env: NodeJS.ProcessEnv, warn: (message: string) => void, version = process.versions.node): { proxyEnv?: NodeJS.ProcessEnv } {
  const named = PROXY_VARIABLES.find((name) => (env[name] ?? "").trim() !== "");
  if (!named) return {};
  if (nodeSupportsProxyEnv(version)) return { proxyEnv: env };
  warn(`${named} is set, but Node ${version} cannot send the connection to EM through a proxy (Node 22.21+ or 24.5+ can): connecting to EM directly`);
  return {};
}

import * as http from "node:http";
import type * as https from "node:https";
import type { AddressInfo } from "node:net";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator/server";
import { EmClient, type ConnectionSettings, type EmClientHooks, type PollTiming, resolveSettings } from "../../provider/client";
import { Redactor } from "../../provider/client/errors";
import { Transport, type TransportHooks } from "../../provider/client/transport";
import { clockOf, VirtualClock } from "../support/virtual-clock";

export { clockOf };

export const ABC_TENANT_ID = "28ddf9b9-12fa-431a-a34c-a327f05c3920";
export const ABC_RESOURCE_ID = "11c59670-23df-448c-a4b3-74c42669633e";
export const ADMIN = { kind: "admin" as const, username: "admin", password: "admin" };

/**
 * Fast retries and polling, so fault tests stay short. The client reads the emulator's clock when that is a test's
 * virtual clock (as `emulator()` gives it), so tasks, retries and deadlines pass in virtual time.
 */
export function clientFor(em: Emulator, settings: Partial<ConnectionSettings> = {}, hooks: EmClientHooks = {}): EmClient {
  return new EmClient(
    { url: em.url, credentials: ADMIN, retry: { retries: 6, minDelayMs: 2, maxDelayMs: 20 }, ...settings },
    { pollTiming: { initialDelayMs: 10, maxDelayMs: 40 }, ...(em.clock instanceof VirtualClock && { clock: em.clock }), ...hooks },
  );
}

/**
 * Task polls on the emulator's clock whose waits begin only once `tasks` tasks are waiting for their first poll.
 * Creates sent together have their tasks started within milliseconds of each other on a real network; on the virtual
 * clock each create's round trip would let the earlier tasks' poll waits run time on, and they would start a poll
 * interval apart.
 */
export function pollsOnceAllWait(em: Emulator, tasks: number): Partial<PollTiming> {
  const clock = clockOf(em);
  let waiting = 0;
  let allWait!: () => void;
  const together = new Promise<void>((resolve) => (allWait = resolve));
  return { sleep: async (ms, signal) => (++waiting === tasks && allWait(), await together, clock.sleep(ms, signal)) };
}

/** An emulator on a virtual clock of its own (clients made by `clientFor` share it): no test waits on real time. */
export async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ taskDurationMs: 50, clock: new VirtualClock(), ...options });
}

export function count(em: Emulator, method: string, pattern: RegExp): number {
  return em.requests.filter((r) => r.method === method && pattern.test(r.url)).length;
}

/** A subtenant of ABC Company with an unlimited quota: the spec the client tests create. */
export const subtenantSpec = (name: string) => ({ name, password: "pw123456", tenantResourceId: ABC_RESOURCE_ID, unlimitedQuota: true });

/**
 * Starts a raw server of the test's own on an ephemeral loopback port: the EM API base URL it answers at, and a
 * close that ends its open connections too.
 */
export async function listenOnLoopback(server: http.Server | https.Server, tls: boolean): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}/api/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A bare transport (no session) to `url`, as the client builds it. */
export function transportTo(url: string, settings: Partial<ConnectionSettings> = {}, hooks: TransportHooks = {}): Transport {
  return new Transport(resolveSettings({ url, credentials: { kind: "admin", username: "admin", password: "pw-Transport-1" }, ...settings }), new Redactor(), hooks);
}

/** Lets the event loop run what is ready (I/O events included) `n` times over: an order of events, not a time. */
export async function turns(n = 1): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** What a test's forwarder answers itself instead of forwarding: a status and a body (an error page). */
export type Intercepted = { status: number; body: string; contentType?: string } | undefined;

/**
 * A plain-HTTP loopback forwarder to the emulator, counting the connections it accepts; `intercept` may answer a
 * request itself (a proxy's error page, a server without some query) or rewrite its path before it is forwarded.
 */
export async function forwarder(em: Emulator, intercept: (url: string) => Intercepted = () => undefined, rewrite: (url: string) => string = (url) => url) {
  const target = new URL(em.url);
  const counts = { connections: 0 };
  const server = http.createServer((req, res) => {
    const own = intercept(req.url ?? "");
    if (own) {
      res.writeHead(own.status, { "Content-Type": own.contentType ?? "text/plain" }).end(own.body);
      return;
    }
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: rewrite(req.url ?? ""), headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(up);
  });
  server.on("connection", () => (counts.connections += 1));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  return { url, counts, close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

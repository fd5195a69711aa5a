import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { EmClientHooks } from "../../provider/client";
import { ClientPool } from "../../provider/resources/connection";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator/server";
import { VirtualClock } from "../support/virtual-clock";
import { EM_VERSIONS, emProfile, type EmVersion } from "../../emulator/versions";

export const ABC = "28ddf9b9-12fa-431a-a34c-a327f05c3920";
export const ABC_RESOURCE = "11c59670-23df-448c-a4b3-74c42669633e";
export const EM_PASSWORD = "em-admin-Secret-41";

/**
 * An emulator with a known admin password, the environment a provider needs to reach it, and a client pool; EM and
 * the pool's clients run on one virtual clock (`options.clock`, else one of their own), so no test waits on real time.
 */
export async function emulatorFor(format: "xml" | "json", options: EmulatorOptions & { clock?: VirtualClock } = {}): Promise<{ em: Emulator; env: NodeJS.ProcessEnv; pool: ClientPool; clock: VirtualClock }> {
  const clock = options.clock ?? new VirtualClock();
  const em = await startEmulator({ taskDurationMs: 10, adminPassword: EM_PASSWORD, ...options, clock });
  const env: NodeJS.ProcessEnv = { VEEAM_EM_URL: em.url, VEEAM_EM_USERNAME: "admin", VEEAM_EM_PASSWORD: EM_PASSWORD, VEEAM_EM_FORMAT: format };
  // Against an older EM, log on with that EM's own API version: the provider's apiVersion setting must reach the logon.
  if (options.emVersion !== undefined) env.VEEAM_EM_API_VERSION = emProfile(options.emVersion).apiVersions.at(-1);
  return { em, env, pool: poolOn(clock), clock };
}

/** Client hooks that put a client on a test's virtual clock (give the emulator the same one). */
export function onVirtualClock(clock: VirtualClock): EmClientHooks {
  return { clock };
}

/** A client pool (one stack's EM sessions) whose clients run on `clock`, quietly. */
export const poolOn = (clock: VirtualClock) => new ClientPool(() => undefined, onVirtualClock(clock));

/** Every EM version profile in both wire formats: the provider suite runs against each (issue 10.4). */
export const EM_RUNS: ReadonlyArray<{ version: EmVersion; format: "xml" | "json"; title: string }> = EM_VERSIONS.flatMap((version) =>
  (["xml", "json"] as const).map((format) => ({ version, format, title: `against the emulator as EM ${version} (${format.toUpperCase()})` })),
);

/** Mutating requests that reached EM (logons aside). */
export const writes = (em: Emulator) => em.requests.filter((r) => r.method !== "GET" && !r.url.includes("sessionMngr"));

/** A forwarding proxy in front of the emulator that can answer chosen requests itself (a proxy's page, a fault). */
export async function proxyTo(target: string) {
  const upstream = new URL(target);
  /** An answer of the proxy's own, "reset" to close the connection unanswered, or undefined to forward. */
  let hijack: ((req: http.IncomingMessage) => { status: number; body: string; type?: string } | "reset" | undefined) | undefined;
  const server = http.createServer((req, res) => {
    const own = hijack?.(req);
    if (own === "reset") {
      req.socket.destroy();
      return;
    }
    if (own) {
      res.writeHead(own.status, { "Content-Type": own.type ?? "text/html" });
      return res.end(own.body);
    }
    const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on("error", () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    set: (fn: typeof hijack) => (hijack = fn),
    stop: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

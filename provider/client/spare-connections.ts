/**
 * Connections opened ahead for changes. A POST or PUT that must not be repeated travels on a connection that carried
 * no request before (see reusesConnection in connection-policy.ts); opening it when the change is sent puts a TCP and TLS
 * handshake (about 15 ms, more on a slow link) in front of every create, edit and account create. Instead, each time
 * such a connection is used, another is opened in the background and kept, unused, for the next change.
 *
 * A spare is as fresh as a connection opened on demand: it has carried no request, so a failure on it can only mean
 * the change never arrived or EM dropped it, exactly as on a new connection. It is let go after SPARE_MAX_AGE_MS, as
 * soon as the server closes it, and never used once the server has sent anything on it. Spares never keep the
 * process alive, and a spare that fails to open is simply dropped: the change then opens its own connection and
 * meets the error itself.
 */
import type * as http from "node:http";
import type { Duplex } from "node:stream";
import { TLSSocket } from "node:tls";
import { type Clock, REAL_CLOCK } from "./retry";

/**
 * How long a spare waits for a change before it is closed: below the shortest timeout a server or proxy commonly
 * gives a connection that has sent nothing (HAProxy setups often use 5 s), so that it is not closed as it is used.
 */
export const SPARE_MAX_AGE_MS = 2_000;

type Socket = Duplex & { ref?(): unknown; unref?(): unknown };
type Connect = (options: Record<string, unknown>, onCreate?: (err: Error | null, socket: Socket) => void) => Socket | undefined;

interface Spare {
  socket: Socket;
  /** Connected, and for TLS the handshake done. */
  ready: boolean;
  /** Aborted when the spare is taken or dropped, which ends its age timer. */
  aging: AbortController;
  drop: () => void;
}

export class SpareConnections {
  /** Spares kept, by the agent's connection key (host, port, TLS options), oldest first. */
  readonly #spares = new Map<string, Spare[]>();
  #closed = false;

  /**
   * @param max the most spares kept for one key (the changes expected at once)
   * @param clock the clock a spare's age runs on (the client's)
   * @param maxAgeMs how long a spare is kept unused
   */
  constructor(
    private readonly max: number,
    private readonly clock: Clock = REAL_CLOCK,
    private readonly maxAgeMs = SPARE_MAX_AGE_MS,
  ) {}

  /** Spares kept now, over all keys. */
  get count(): number {
    let n = 0;
    for (const list of this.#spares.values()) n += list.length;
    return n;
  }

  /** Makes `agent` hand out a spare when one is ready, and open one for the next change each time it is asked. */
  attach(agent: http.Agent): void {
    const target = agent as unknown as { createConnection: Connect };
    const open: Connect = target.createConnection.bind(agent);
    target.createConnection = (options, onCreate) => {
      const key = String(options._agentKey ?? `${String(options.host)}:${String(options.port)}`);
      const spare = this.take(key);
      // The spare had not finished its handshake: changes come faster than one spare each, so keep one more.
      const opens = spare && !spare.ready ? 2 : 1;
      for (let i = 0; i < opens; i++) this.replenish(key, () => open({ ...options }));
      return spare?.socket ?? open(options, onCreate);
    };
  }

  /** Closes every spare (at the end of a run). */
  close(): void {
    this.#closed = true;
    for (const list of this.#spares.values()) for (const spare of [...list]) spare.drop();
    this.#spares.clear();
  }

  /** The oldest spare whose handshake is done, else the oldest still connecting. */
  private take(key: string): { socket: Socket; ready: boolean } | undefined {
    const list = this.#spares.get(key) ?? [];
    while (list.length > 0) {
      const [spare] = list.splice(Math.max(0, list.findIndex((s) => s.ready)), 1);
      spare.aging.abort();
      spare.socket.removeListener("error", spare.drop);
      spare.socket.removeListener("close", spare.drop);
      spare.socket.removeListener("end", spare.drop);
      // Anything the server sent on a connection that carried no request (a proxy's "408 Request Timeout" before
      // it closes an idle connection) would be read as the change's answer: such a spare is never used.
      if (spare.socket.destroyed || !spare.socket.writable || spare.socket.readableLength > 0 || spare.socket.readableEnded) {
        spare.socket.destroy();
        continue;
      }
      spare.socket.ref?.();
      return { socket: spare.socket, ready: spare.ready };
    }
    return undefined;
  }

  private replenish(key: string, open: () => Socket | undefined): void {
    if (this.#closed) return;
    const list = this.#spares.get(key) ?? [];
    if (list.length >= this.max) return;
    let socket: Socket | undefined;
    try {
      socket = open();
    } catch {
      return; // the change opens its own connection and meets the error itself
    }
    if (!socket) return;
    socket.unref?.();
    const aging = new AbortController();
    const spare: Spare = {
      socket,
      ready: false,
      aging,
      drop: () => {
        aging.abort();
        const at = list.indexOf(spare);
        if (at >= 0) list.splice(at, 1);
        socket.destroy();
      },
    };
    // Too old: dropped, unless it was taken or dropped first (which aborts the age).
    void this.clock.sleep(this.maxAgeMs, aging.signal, { timer: true, background: true }).then(() => aging.signal.aborted || spare.drop());
    socket.once(socket instanceof TLSSocket ? "secureConnect" : "connect", () => (spare.ready = true));
    socket.on("error", spare.drop);
    socket.on("close", spare.drop);
    socket.on("end", spare.drop);
    list.push(spare);
    this.#spares.set(key, list);
  }
}

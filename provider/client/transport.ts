/**
 * The request seam: one HTTP request to EM, answered as a parsed body or an EmApiError, retried under its policy
 * when safe. A facade over three rooms: the request and its answer (request.ts), the connection policy
 * (connection-policy.ts) and the texts that explain a failure (error-hints.ts).
 */
import { Connections, type Turns } from "./connection-policy";
import type { Redactor } from "./errors";
import { type AttemptContext, policyOf, resolveUrl, sendAttempt, type TransportRequest, type TransportResponse } from "./request";
import { type Clock, POLICIES, REAL_CLOCK, withRetry } from "./retry";
import type { ResolvedSettings } from "./settings";

export interface TransportHooks {
  onWarning?(msg: string): void;
  /** Called before each retry, with a body-free description. */
  onRetry?(msg: string): void;
  /** The client's clock (waits between attempts, deadlines, Retry-After dates); the real one by default. */
  clock?: Clock;
}

export class Transport {
  private readonly base: URL;
  private readonly connections: Connections;
  private readonly attempt: AttemptContext;
  /** The one clock of the client this transport serves: the session reads it too. */
  readonly clock: Clock;

  constructor(
    private readonly settings: ResolvedSettings,
    readonly redactor: Redactor,
    private readonly hooks: TransportHooks = {},
  ) {
    this.base = new URL(settings.baseUrl);
    this.clock = hooks.clock ?? REAL_CLOCK;
    this.connections = new Connections(settings, (message) => hooks.onWarning?.(message), this.clock);
    this.attempt = { base: this.base, redactor, requestTimeoutMs: settings.requestTimeoutMs, format: settings.format, wire: this.connections, clock: this.clock };
  }

  /** Requests on the wire at once, over both kinds of connection (settings.maxConnections). */
  get turns(): Turns {
    return this.connections.turns;
  }

  /** Closes the kept-alive and spare connections (at the end of a run). */
  close(): void {
    this.connections.close();
  }

  get baseUrl(): string {
    return this.base.toString();
  }

  /** Absolute URL of a request: a path below the base, or an EM Href re-based onto the configured base. */
  resolveUrl(req: Pick<TransportRequest, "path" | "href" | "query">): URL {
    return resolveUrl(this.base, req);
  }

  /**
   * One request, retried under its policy (see retry.ts) within the retry budget. Time spent waiting for a turn
   * counts towards neither the attempt's deadline nor the budget: a queue behind a large refresh is not EM's delay.
   */
  async request(req: TransportRequest): Promise<TransportResponse> {
    const policy = POLICIES[policyOf(req)];
    const timing = { ...this.settings.retry, retries: policy === POLICIES.once ? 0 : this.settings.retry.retries };
    let queuedMs = 0;
    const clock: Clock = { sleep: (ms) => this.clock.sleep(ms), now: () => this.clock.now() - queuedMs };
    const onQueued = (ms: number) => (queuedMs += ms);
    return withRetry(
      policy,
      timing,
      (remainingMs) => this.send(req, Math.min(req.singleAttemptTimeoutMs ?? this.settings.requestTimeoutMs, remainingMs), onQueued),
      (e, left) => this.hooks.onRetry?.(`${e.method} ${e.path}: ${e.status ?? e.code ?? e.kind}; retrying (${left} left)`),
      clock,
    );
  }

  /**
   * One attempt, which must be answered in full within `deadlineMs` (the request timeout by default) from when its
   * turn came (see Turns); `onQueued` learns how long it waited for the turn.
   */
  send(req: TransportRequest, deadlineMs = this.settings.requestTimeoutMs, onQueued?: (ms: number) => void): Promise<TransportResponse> {
    return sendAttempt(this.attempt, req, deadlineMs, onQueued);
  }
}

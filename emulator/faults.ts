/**
 * Fault injection, off by default. Rates are probabilities from 0 to 1 applied to each /api request (or
 * each task); a seed makes a soak's sequence of faults repeatable.
 */
export interface FaultSettings {
  /** Answer 500, or 503 with Retry-After, without touching state. */
  serverErrorRate: number;
  /** Answer 429 with Retry-After, without touching state. */
  throttleRate: number;
  /** Close the connection before answering, without touching state. */
  resetRate: number;
  /** Apply the request, then close the connection instead of answering: the change happened, the answer is lost. */
  lostResponseRate: number;
  /** Extra delay before every answer. */
  latencyMs: number;
  /** Forget the caller's session before handling, so the request answers 401. */
  sessionDropRate: number;
  /** Tasks that finish with Result Success="false". */
  taskFailureRate: number;
  /** Tasks that stay Running for ever. */
  taskHangRate: number;
  /** Tasks that take taskSlowMs instead of the emulator's task duration, then finish normally. */
  taskSlowRate: number;
  /** How long a slow task stays Running. */
  taskSlowMs: number;
  /** Retry-After value on 503 and 429 answers. */
  retryAfterSeconds: number;
  /** Seed of the random sequence; the same seed and requests give the same faults. */
  seed: number;
  /** HTTP methods the request faults apply to; empty means every method. */
  onlyMethods: string[];
}

export const NO_FAULTS: FaultSettings = {
  serverErrorRate: 0,
  throttleRate: 0,
  resetRate: 0,
  lostResponseRate: 0,
  latencyMs: 0,
  sessionDropRate: 0,
  taskFailureRate: 0,
  taskHangRate: 0,
  taskSlowRate: 0,
  taskSlowMs: 30_000,
  retryAfterSeconds: 1,
  seed: 1,
  onlyMethods: [],
};

const RATE_KEYS = ["serverErrorRate", "throttleRate", "resetRate", "lostResponseRate", "sessionDropRate", "taskFailureRate", "taskHangRate", "taskSlowRate"] as const;

/** Checks a partial settings object from a flag or the admin endpoint; throws with the field and the rule. */
export function validateFaultSettings(input: unknown): Partial<FaultSettings> {
  if (input === null || typeof input !== "object" || Array.isArray(input)) throw new Error("fault settings must be a JSON object");
  const out: Partial<FaultSettings> = {};
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (!(key in NO_FAULTS)) throw new Error(`unknown fault setting '${key}' (known: ${Object.keys(NO_FAULTS).join(", ")})`);
    if (key === "onlyMethods") {
      if (!Array.isArray(value) || !value.every((m) => typeof m === "string" && /^(GET|POST|PUT|DELETE)$/i.test(m))) {
        throw new Error("fault setting 'onlyMethods' must be a list of HTTP methods (GET, POST, PUT, DELETE)");
      }
      out.onlyMethods = value.map((m: string) => m.toUpperCase());
      continue;
    }
    if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`fault setting '${key}' must be a number`);
    if ((RATE_KEYS as readonly string[]).includes(key) && (value < 0 || value > 1)) throw new Error(`fault setting '${key}' is a rate from 0 to 1, got ${value}`);
    if (!(RATE_KEYS as readonly string[]).includes(key) && value < 0) throw new Error(`fault setting '${key}' must not be negative, got ${value}`);
    (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

/** How a task behaves: normally, never finishing, failing, or taking longer than the emulator's task duration. */
export type TaskBehaviour = "normal" | "hang" | "fail" | { slowMs: number };

export type RequestFault = "serverError" | "throttle" | "reset" | "lostResponse" | "sessionDrop" | undefined;

export class FaultController {
  private current: FaultSettings;
  private random: () => number;

  constructor(initial: Partial<FaultSettings> = {}) {
    this.current = { ...NO_FAULTS, ...validateFaultSettings(initial) };
    this.random = mulberry32(this.current.seed);
  }

  get settings(): FaultSettings {
    return { ...this.current, onlyMethods: [...this.current.onlyMethods] };
  }

  update(partial: Partial<FaultSettings>): FaultSettings {
    this.current = { ...this.current, ...validateFaultSettings(partial) };
    if (partial.seed !== undefined) this.random = mulberry32(this.current.seed);
    return this.settings;
  }

  reset(): FaultSettings {
    this.current = { ...NO_FAULTS };
    this.random = mulberry32(this.current.seed);
    return this.settings;
  }

  private roll(rate: number): boolean {
    return rate > 0 && this.random() < rate;
  }

  /** At most one fault per request, drawn in a fixed order so a seed gives a repeatable sequence. */
  drawRequestFault(method: string, hasSession: boolean): RequestFault {
    const s = this.current;
    if (s.onlyMethods.length > 0 && !s.onlyMethods.includes(method.toUpperCase())) return undefined;
    if (this.roll(s.resetRate)) return "reset";
    if (this.roll(s.serverErrorRate)) return "serverError";
    if (this.roll(s.throttleRate)) return "throttle";
    if (hasSession && this.roll(s.sessionDropRate)) return "sessionDrop";
    if (this.roll(s.lostResponseRate)) return "lostResponse";
    return undefined;
  }

  drawTaskBehaviour(): TaskBehaviour {
    if (this.roll(this.current.taskHangRate)) return "hang";
    if (this.roll(this.current.taskFailureRate)) return "fail";
    if (this.roll(this.current.taskSlowRate)) return { slowMs: this.current.taskSlowMs };
    return "normal";
  }

  /** 500 or 503, alternating at random. */
  drawServerErrorStatus(): 500 | 503 {
    return this.random() < 0.5 ? 500 : 503;
  }
}

/** A small, well-known seeded PRNG; Math.random cannot be seeded. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

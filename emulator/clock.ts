/**
 * The emulator's time: what task durations and session idle expiry are measured on, and what a fault's delay
 * waits on. Its shape is that of the client's clock, so a test can hand one test clock to both.
 */
export interface EmulatorClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const REAL_CLOCK: EmulatorClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

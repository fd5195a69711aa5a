import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator/server";
import { EmClient, type ConnectionSettings, type EmClientHooks } from "../../provider/client";

export const ABC_TENANT_ID = "28ddf9b9-12fa-431a-a34c-a327f05c3920";
export const ABC_RESOURCE_ID = "11c59670-23df-448c-a4b3-74c42669633e";
export const ADMIN = { kind: "admin" as const, username: "admin", password: "admin" };

/** Fast retries and polling, so fault tests stay short. */
export function clientFor(em: Emulator, settings: Partial<ConnectionSettings> = {}, hooks: EmClientHooks = {}): EmClient {
  return new EmClient(
    { url: em.url, credentials: ADMIN, retry: { retries: 6, minDelayMs: 2, maxDelayMs: 20 }, ...settings },
    { pollTiming: { initialDelayMs: 10, maxDelayMs: 40 }, ...hooks },
  );
}

export async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ taskDurationMs: 50, ...options });
}

export function count(em: Emulator, method: string, pattern: RegExp): number {
  return em.requests.filter((r) => r.method === method && pattern.test(r.url)).length;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

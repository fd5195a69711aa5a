import { ClientPool } from "../../provider/resources/connection";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator/server";

export const ABC = "28ddf9b9-12fa-431a-a34c-a327f05c3920";
export const ABC_RESOURCE = "11c59670-23df-448c-a4b3-74c42669633e";
export const EM_PASSWORD = "em-admin-Secret-41";

/** An emulator with a known admin password and the environment a provider needs to reach it. */
export async function emulatorFor(format: "xml" | "json", options: EmulatorOptions = {}): Promise<{ em: Emulator; env: NodeJS.ProcessEnv; pool: ClientPool }> {
  const em = await startEmulator({ taskDurationMs: 10, adminPassword: EM_PASSWORD, ...options });
  const env = { VEEAM_EM_URL: em.url, VEEAM_EM_USERNAME: "admin", VEEAM_EM_PASSWORD: EM_PASSWORD, VEEAM_EM_FORMAT: format };
  return { em, env, pool: new ClientPool(() => undefined) };
}

/** Mutating requests that reached EM (logons aside). */
export const writes = (em: Emulator) => em.requests.filter((r) => r.method !== "GET" && !r.url.includes("sessionMngr"));

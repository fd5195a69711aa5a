import type { Emulator } from "../../emulator/server";

/**
 * A task-poll sleep under which EM forgets every session (but the seed's pinned ones) at the first wait: EM
 * restarted, or the session expired, while a task ran.
 */
export function forgetSessionsAtFirstSleep(em: Emulator): (ms: number) => Promise<void> {
  let sleeps = 0;
  return async (ms) => {
    sleeps += 1;
    if (sleeps === 1) for (const [token, s] of em.store.sessions) if (!s.pinned) em.store.sessions.delete(token);
    await new Promise((r) => setTimeout(r, ms));
  };
}

import type { Emulator } from "../../emulator/server";

/**
 * A task-poll sleep under which EM forgets every session (but the seed's pinned ones) at the first wait: EM
 * restarted, or the session expired, while a task ran. It waits on the emulator's own clock (a test's virtual
 * clock moves at once), so the task it waits for is that much nearer its end.
 */
export function forgetSessionsAtFirstSleep(em: Emulator): (ms: number) => Promise<void> {
  let sleeps = 0;
  return async (ms) => {
    sleeps += 1;
    if (sleeps === 1) for (const [token, s] of em.store.sessions) if (!s.pinned) em.store.sessions.delete(token);
    await em.clock.sleep(ms);
  };
}

import { cloudHandlers, emHttp, type Emulator } from "../../emulator/server";

/**
 * Calls `then` once, right after EM has taken the `nth` subtenant POST (the built-in route answers it as usual):
 * the moment to change EM behind the client's back, awaited as an event rather than polled for.
 */
export function afterSubtenantPostTaken(em: Emulator, then: () => void, nth = 1): void {
  const builtIn = cloudHandlers.find((h) => h.method === "POST" && h.path === "/cloud/tenants/:tenantId/subtenants");
  if (!builtIn) throw new Error("the emulator has no built-in subtenant POST route");
  let taken = 0;
  em.use(
    emHttp.post(
      builtIn.path,
      (ctx) => {
        const answer = builtIn.resolve(ctx);
        if (++taken === nth) then();
        return answer;
      },
      { access: builtIn.access },
    ),
  );
}

import { expect } from "chai";
/**
 * Fixtures of the veeam-em plugin's protocol tests: one emulator and one plugin process per describe block,
 * configured as one provider instance for that EM; EM's state back to the seed and an empty stack per test.
 */
import { startEmulator, type Emulator } from "../../emulator/server";
import type { EmState } from "../../emulator/model";
import { DEFAULT_EM_VERSION, emProfile, type EmVersion } from "../../emulator/versions";
import { PACKAGE_ROOT } from "../../tools/engine/harness";
import { NativeEngine } from "../../tools/engine/native-engine";
import { NativePlugin } from "../../tools/engine/native-plugin";
import { secret } from "../../tools/engine/secrets";
import { EM_ADMIN_PASSWORD } from "../engine/support";

export interface NativeStack {
  em: Emulator;
  plugin: NativePlugin;
  engine: NativeEngine;
  /** The provider instance's configuration, as a program declares it (password secret). */
  config: Record<string, unknown>;
  mark: number;
}

export const native = (name: string) => `veeam-em:index:${name}`;

/** A stack against the emulator as EM `emVersion` (the plugin logs on with that EM's own API version). */
export function useNativeStack(format: "xml" | "json", emVersion: EmVersion = DEFAULT_EM_VERSION): NativeStack {
  const stack = {} as NativeStack;
  let seed: EmState;
  before(async function () {
    this.timeout(30_000);
    stack.em = await startEmulator({ port: 0, taskDurationMs: 20, adminPassword: EM_ADMIN_PASSWORD, emVersion });
    seed = structuredClone(stack.em.store.state);
    stack.config = { url: stack.em.url, username: "admin", password: secret(EM_ADMIN_PASSWORD), format, apiVersion: emProfile(emVersion).apiVersions.at(-1) };
    try {
      stack.plugin = await NativePlugin.start({ cwd: PACKAGE_ROOT });
      await stack.plugin.configure(stack.config);
    } catch (err) {
      await stack.plugin?.stop();
      await stack.em.stop();
      throw err;
    }
  });
  beforeEach(() => {
    stack.em.store.state = structuredClone(seed);
    stack.engine = new NativeEngine(stack.plugin);
    stack.mark = stack.em.requests.length;
  });
  after(async function () {
    this.timeout(10_000);
    await stack.plugin?.stop();
    await stack.em?.stop();
  });
  return stack;
}

/** The requests that changed something in EM since the test's mark (logons aside). */
export const writesSince = (stack: NativeStack) =>
  stack.em.requests
    .slice(stack.mark)
    .filter((r) => r.method !== "GET" && !/^\/api\/sessionMngr\//i.test(r.url))
    .map((r) => `${r.method} ${r.url.replace(/[0-9a-f-]{36}/g, "{id}").replace(/\?.*$/, "")}`);

/** Fails unless `promise` rejects with an Error whose message matches `pattern` (the message is shown when not). */
export async function expectRejection(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  let error: unknown;
  try {
    await promise;
  } catch (err) {
    error = err;
  }
  expect(error, "expected a failure").to.be.instanceOf(Error);
  expect((error as Error).message).to.match(pattern, (error as Error).message);
}

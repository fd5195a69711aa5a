/**
 * Fixtures of the engine-protocol tests: one emulator and one plugin process per describe block (the plugin runs
 * a provider's `configure` once per process, so its EM address is fixed for the process), EM's state put back to
 * the seed before each test, and a fresh engine (empty stack state) per test.
 */
import { startEmulator, type Emulator, type RecordedRequest } from "../../emulator/server";
import type { EmState } from "../../emulator/model";
import { Engine } from "../../tools/engine/engine";
import { startHarness, type Harness } from "../../tools/engine/harness";
import { providerTexts, type ProviderTexts } from "../../tools/engine/provider-text";
import { secret } from "../../tools/engine/secrets";

export const TENANT = { id: "28ddf9b9-12fa-431a-a34c-a327f05c3920", name: "ABC Company", resourceId: "11c59670-23df-448c-a4b3-74c42669633e" };
export const ROLE = {
  portalUser: { id: "d19a3d33-cb77-4ffe-94e6-001432483a4e", name: "Portal User" },
  restoreOperator: { id: "f84a8b62-49b8-4d0c-b25b-92321b52bab6", name: "File Restore Operator" },
};
/** Distinctive secret values, easy to find in any text. */
export const EM_ADMIN_PASSWORD = "Em-Adm1n-S3cret-7731";
export const SUBTENANT_PASSWORD = "Sub-P4ss-S3cret-4410";
export const SUBTENANT_PASSWORD_2 = "Sub-P4ss-S3cret-9925";
export const SECRETS = [EM_ADMIN_PASSWORD, SUBTENANT_PASSWORD, SUBTENANT_PASSWORD_2];

export interface Stack {
  em: Emulator;
  harness: Harness;
  texts: ProviderTexts;
  engine: Engine;
  /** Index into em.requests where the current test began. */
  mark: number;
}

/** Sets up the describe block's emulator and plugin; the returned object is filled in `before`. */
export function useStack(format: "xml" | "json"): Stack {
  const stack = {} as Stack;
  let seed: EmState;
  before(async function () {
    this.timeout(30_000);
    stack.texts = await providerTexts();
    stack.em = await startEmulator({ port: 0, taskDurationMs: 20, adminPassword: EM_ADMIN_PASSWORD });
    seed = structuredClone(stack.em.store.state);
    try {
      stack.harness = await startHarness({ url: stack.em.url, username: "admin", password: EM_ADMIN_PASSWORD, format });
    } catch (err) {
      await stack.em.stop();
      throw err;
    }
  });
  beforeEach(() => {
    stack.em.store.state = structuredClone(seed);
    stack.engine = new Engine(stack.harness.plugin, "veeam-em-test", "test");
    stack.mark = stack.em.requests.length;
  });
  after(async function () {
    this.timeout(10_000);
    await stack.harness?.stop();
    await stack.em?.stop();
  });
  return stack;
}

/** The requests the current test made. */
export function requestsSince(stack: Stack): RecordedRequest[] {
  return stack.em.requests.slice(stack.mark);
}

/** Requests that change something in EM (a logon included). */
export function mutations(requests: RecordedRequest[]): RecordedRequest[] {
  return requests.filter((r) => r.method !== "GET");
}

export const logons = (requests: RecordedRequest[]) => requests.filter((r) => r.method === "POST" && /^\/api\/sessionMngr\//i.test(r.url));

export function subtenantArgs(stack: Stack, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    __provider: stack.texts.Subtenant,
    tenantName: TENANT.name,
    name: "sub-finance",
    password: secret(SUBTENANT_PASSWORD),
    description: "Finance backups",
    tenantResourceId: TENANT.resourceId,
    quotaMb: 2048,
    ...overrides,
  };
}

export function accountArgs(stack: Stack, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    __provider: stack.texts.EnterpriseAccount,
    accountType: "User",
    accountName: "TECH\\alice",
    roles: [ROLE.portalUser.name],
    ...overrides,
  };
}

export const subtenantType = (stack: Stack) => stack.texts.types.Subtenant;
export const accountType = (stack: Stack) => stack.texts.types.EnterpriseAccount;

/** Every occurrence of a secret value in `text`. */
export function leakedSecrets(text: string, secrets: readonly string[] = SECRETS): string[] {
  return secrets.filter((s) => text.includes(s));
}

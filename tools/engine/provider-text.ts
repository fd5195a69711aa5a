/**
 * The `__provider` text of each resource class, produced by the SDK's own serializer from the real classes: the
 * classes are constructed under `setMocks` and the text the mock receives is kept. Call it before any other
 * program runs under mocks in the same process (it installs its own mocks).
 */
import { CloudTenant, EnterpriseAccount, Subtenant } from "../../provider";
import { isDynamic, runUnderMocks } from "./program";
import { PROVIDER_KEY } from "./engine";

export interface ProviderTexts {
  Subtenant: string;
  EnterpriseAccount: string;
  CloudTenant: string;
  /** The full type tokens, e.g. pulumi-nodejs:dynamic/veeam-em:Subtenant. */
  types: { Subtenant: string; EnterpriseAccount: string; CloudTenant: string };
}

let cached: Promise<ProviderTexts> | undefined;

export function providerTexts(): Promise<ProviderTexts> {
  cached ??= capture();
  return cached;
}

async function capture(): Promise<ProviderTexts> {
  const seen = new Map<string, { type: string; text: string }>();
  await runUnderMocks(
    () => {
      new Subtenant("probe", { tenantName: "probe", name: "probe", password: "probe", tenantResourceId: "probe", quotaMb: 1024 });
      new EnterpriseAccount("probe", { accountType: "User", accountName: "PROBE\\probe", roles: ["Portal User"] });
      new CloudTenant("probe", { name: "probe", password: "probe", backupServer: "probe" });
    },
    async (args) => {
      if (isDynamic(args.type)) seen.set(args.type.split(":").pop()!, { type: args.type, text: String(args.inputs[PROVIDER_KEY]) });
      return { id: "probe", state: {} };
    },
  );
  const s = seen.get("Subtenant");
  const a = seen.get("EnterpriseAccount");
  const t = seen.get("CloudTenant");
  if (!s || !a || !t) throw new Error(`the resource classes registered no dynamic resources (saw: ${[...seen.keys()].join(", ")})`);
  return { Subtenant: s.text, EnterpriseAccount: a.text, CloudTenant: t.text, types: { Subtenant: s.type, EnterpriseAccount: a.type, CloudTenant: t.type } };
}

/**
 * Loaded at run time by the serialized provider shim (`require("pulumi-veeam-em/dynamic")`), in the process of
 * Pulumi's dynamic-provider plugin. It keeps one provider per resource kind for the whole process, so that all
 * resources share one EM client and one logon. Importing it changes nothing in the process: the exit handlers
 * are installed when the plugin first asks for a provider.
 */
import type * as pulumi from "@pulumi/pulumi";
import { EnterpriseAccountProvider } from "./account/provider";
import type { ProviderBase } from "./base";
import { log, poolLog } from "./log";
import { processClientPool } from "./process-pool";
import { SubtenantProvider } from "./subtenant/provider";
import { CloudTenantProvider } from "./tenant/provider";

type Implementation = ProviderBase & Required<Omit<pulumi.dynamic.ResourceProvider, "configure">>;

/** The plugin process's clients: one logon for every resource of every kind. */
const pool = processClientPool(poolLog(log));

const FACTORIES: Record<string, () => Implementation> = {
  Subtenant: () => new SubtenantProvider({ pool }),
  EnterpriseAccount: () => new EnterpriseAccountProvider({ pool }),
  CloudTenant: () => new CloudTenantProvider({ pool }),
};

const providers = new Map<string, Implementation>();

let exitHooksInstalled = false;

/**
 * The engine ends the plugin process with a signal when it is done with it (its gRPC server keeps it alive, so
 * beforeExit does not come): log out then, in one short attempt, rather than leave sessions for EM to expire.
 * Installed once, by the first provider the plugin asks for, and never in a process that merely imports this.
 */
export function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  const logOutAndExit = (signal: NodeJS.Signals) => void pool.closeAll().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  process.once("SIGTERM", logOutAndExit);
  process.once("SIGINT", logOutAndExit);
  process.once("beforeExit", () => void pool.closeAll());
}

export type ProviderMethods = Pick<Implementation, "check" | "diff" | "create" | "read" | "update" | "delete">;

/** The methods of the provider for `kind`, bound to it; with a configure request, its stack config is applied. */
export function providerFor(kind: string, request?: pulumi.dynamic.ConfigureRequest): ProviderMethods {
  const factory = FACTORIES[kind];
  if (!factory) throw new Error(`pulumi-veeam-em has no provider for resource kind '${kind}' (known: ${Object.keys(FACTORIES).join(", ")}); is the installed package older than the one that created this state?`);
  installExitHooks();
  let provider = providers.get(kind);
  if (!provider) {
    provider = factory();
    providers.set(kind, provider);
  }
  if (request) provider.useConfig(request.config);
  return {
    check: provider.check.bind(provider),
    diff: provider.diff.bind(provider),
    create: provider.create.bind(provider),
    read: provider.read.bind(provider),
    update: provider.update.bind(provider),
    delete: provider.delete.bind(provider),
  };
}

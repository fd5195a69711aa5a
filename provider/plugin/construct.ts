/**
 * Construct for the `veeam-em:index:TenantOnboarding` component: how a program in another language (Python, C#,
 * Go, YAML) uses the component. The engine sends the component's inputs, the stack config and its resource
 * monitor's address; the component runs here as it runs in a TypeScript program, with the SDK's runtime pointed
 * at that monitor, and its children are the plugin's own resources (`veeam-em:index:Subtenant`, ...), which the
 * engine then creates through this plugin. The SDK's own Construct (`pulumi.provider.main`) does the same
 * steps; its server is not exported, so the steps are taken here with the SDK's runtime functions.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { setAllConfig } from "@pulumi/pulumi/runtime/config";
import { serializeResourceProperties } from "@pulumi/pulumi/runtime/rpc";
import { TenantOnboarding, type OnboardingChildren } from "../onboarding/component";
import { ACCOUNT_FIELDS } from "../resources/account/fields";
import { isOutput, type ResourceFields } from "../resources/fields";
import { SUBTENANT_FIELDS } from "../resources/subtenant/fields";
import { TENANT_FIELDS } from "../resources/tenant/fields";
import type { NativeProvider } from "./native";
import { COMPONENT_NAME, COMPONENT_SPEC, token } from "./schema";

type Props = Record<string, unknown>;

/** The component's name and its arguments as the schema lists them (TenantOnboardingArgs but `connection`). */
const COMPONENT = { name: COMPONENT_NAME, inputs: Object.keys(COMPONENT_SPEC.inputProperties) };

// Internal parts of the SDK's runtime (kept out of its .d.ts): the very calls its own Construct makes.
const settings = require("@pulumi/pulumi/runtime/settings") as {
  resetOptions(project: string, stack: string, parallel: number, engineAddr: string, monitorAddr: string, preview: boolean, organization: string): void;
  awaitFeatureSupport(): Promise<void>;
  waitForRPCs(): Promise<void>;
};
const state = require("@pulumi/pulumi/runtime/state") as { withLocalStorage<T>(work: () => Promise<T>): Promise<T> };
const sdkServer = require("@pulumi/pulumi/provider/server") as {
  deserializeInputs(inputs: unknown, dependencies: unknown): Promise<Props>;
};

/** A resource of this plugin, registered under its token (the engine creates it through this plugin). */
class PluginResource extends pulumi.CustomResource {}

/** An Output's value (an internal method of the SDK's Output, as its own Construct uses it). */
const valueOf = <T>(output: pulumi.Output<T> | pulumi.OutputInstance<T>): Promise<T> => (output as unknown as { promise(): Promise<T> }).promise();

/**
 * A resource of this plugin declared from inside the plugin: its outputs (by the table) become the properties
 * the component reads (subtenantId, backupResources, ...).
 */
function pluginResource(kind: string, table: ResourceFields<any>, name: string, args: object, opts: pulumi.CustomResourceOptions): any {
  const outputs = Object.fromEntries(table.fields.filter(isOutput).map((f) => [f.name, undefined]));
  return new PluginResource(token(kind), name, { ...outputs, ...args }, opts);
}

/** The component's children as the plugin's resources; the look-ups use this provider instance's EM. */
export function pluginChildren(provider: NativeProvider): OnboardingChildren {
  return {
    type: token(COMPONENT.name),
    lookup: { connection: provider.settings() },
    cloudTenant: (name, args, opts) => pluginResource("CloudTenant", TENANT_FIELDS, name, args, opts),
    subtenant: (name, args, opts) => pluginResource("Subtenant", SUBTENANT_FIELDS, name, args, opts),
    account: (name, args, opts) => pluginResource("EnterpriseAccount", ACCOUNT_FIELDS, name, args, opts),
  };
}

export interface ConstructResult {
  urn: string;
  /** The component's outputs, serialized for the wire (secrets and unknowns marked as the SDK marks them). */
  state: Props;
  /** Per output, the URNs of the resources it depends on. */
  dependencies: Map<string, string[]>;
}

/** Runs Construct: the component declared against the engine's monitor; resolves once every registration is sent. */
export function construct(provider: NativeProvider, req: provproto.ConstructRequest, engineAddress: string): Promise<ConstructResult> {
  return state.withLocalStorage(async () => {
    const type = req.getType();
    if (type !== token(COMPONENT.name)) throw new Error(`the veeam-em plugin has no component '${type}' (it has: ${token(COMPONENT.name)})`);
    settings.resetOptions(req.getProject(), req.getStack(), req.getParallel(), engineAddress, req.getMonitorendpoint(), req.getDryrun(), req.getOrganization());
    await settings.awaitFeatureSupport();
    setAllConfig(Object.fromEntries(req.getConfigMap().toArray() as Array<[string, string]>), req.getConfigsecretkeysList());

    const inputs = await sdkServer.deserializeInputs(req.getInputs(), req.getInputdependenciesMap());
    const unknown = Object.keys(inputs).filter((k) => !COMPONENT.inputs.includes(k));
    if (unknown.length > 0) throw new Error(`TenantOnboarding: ${unknown.join(", ")} ${unknown.length > 1 ? "are not arguments" : "is not an argument"} of the plugin's component (it takes ${COMPONENT.inputs.join(", ")}; the provider instance is the EM)`);
    const args = Object.fromEntries(await Promise.all(COMPONENT.inputs.filter((k) => inputs[k] !== undefined).map(async (k) => [k, await plain(inputs[k])])));

    const providers: Record<string, pulumi.ProviderResource> = {};
    for (const [pkg, ref] of req.getProvidersMap().toArray() as Array<[string, string]>) providers[pkg] = new pulumi.DependencyProviderResource(ref);
    const opts: pulumi.ComponentResourceOptions = {
      parent: req.getParent() ? new pulumi.DependencyResource(req.getParent()) : undefined,
      providers,
      dependsOn: req.getDependenciesList().map((urn) => new pulumi.DependencyResource(urn)),
      protect: req.getProtect(),
    };
    const component = new TenantOnboarding(req.getName(), args, opts, pluginChildren(provider));
    await component.ready;
    const [serialized, deps] = await serializeResourceProperties(`construct(${type}, ${req.getName()})`, { tenants: component.tenants, accounts: component.accounts });
    const dependencies = new Map<string, string[]>();
    for (const [key, resources] of deps) dependencies.set(key, await Promise.all([...resources].map((r) => valueOf(r.urn))));
    const urn = await valueOf(component.urn);
    await settings.waitForRPCs();
    return { urn, state: serialized, dependencies };
  });
}

/** An input's value (the component's arguments are plain: a data file's text or path). */
async function plain(value: unknown): Promise<unknown> {
  return pulumi.Output.isInstance(value) ? valueOf(value as pulumi.Output<unknown>) : value;
}

/**
 * Runs an example program the way Pulumi's Node.js host does (require the module, call it when it exports a
 * function, publish the result as the stack's outputs), under `pulumi.runtime.setMocks`. Look-ups talk to a real
 * emulator. Dynamic resources are either answered by the mock (their inputs echoed, ids made up) or, with
 * `forward`, handed to the provider that their serialized `__provider` deserializes to, as the dynamic-provider
 * plugin would (check, then create), so that the program's resources really get created in the emulator.
 */
import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";

export interface Registration {
  type: string;
  name: string;
  /** As the mock monitor receives them: secrets still wrapped (see isSecretValue). */
  inputs: Record<string, any>;
}

export interface ProgramRun {
  registrations: Registration[];
  /** Stack outputs as the engine would receive them: secrets still wrapped. */
  stackOutputs: Record<string, unknown>;
  /** The same, plain. */
  outputs: Record<string, unknown>;
}

export interface RunOptions {
  project: string;
  /** Compiled module of the program (dist/examples/…/index.js). */
  program: string;
  /** Full keys (namespace:key) → values, as in PULUMI_CONFIG. */
  config: Record<string, string>;
  secretKeys: string[];
  /** Argument for a program that exports a function (Pulumi itself passes none). */
  argument?: unknown;
  /** Create dynamic resources through their deserialized providers instead of echoing inputs. */
  forward?: boolean;
  /** Receives the registrations as they happen, so that a failed run's can be inspected too. */
  sink?: Registration[];
}

// The same loader, from the same place, as @pulumi/pulumi's dynamic-provider plugin.
const requireFromString: (code: string) => any = createRequire(require.resolve("@pulumi/pulumi"))("require-from-string");

export const isSecretValue = (value: unknown): boolean => pulumi.runtime.isRpcSecret(value);

/** Plain values, secret wrappers removed at every depth (what the engine sends to a provider). */
export function unwrapSecrets(value: unknown): any {
  if (isSecretValue(value)) return unwrapSecrets(pulumi.runtime.unwrapRpcSecret(value));
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  return value;
}

/** Deserializes a `__provider` text as the plugin does, and configures it with the stack config. */
export async function loadProvider(text: string, config: Record<string, string>, project: string): Promise<Record<string, any>> {
  const provider = requireFromString(text).handler();
  const get = (key: string) => config[key.includes(":") ? key : `${project}:${key}`];
  await provider.configure?.({
    config: {
      get,
      require(key: string) {
        const value = get(key);
        if (value === undefined) throw new Error(`Missing required configuration key: ${key}`);
        return value;
      },
    },
  });
  return provider;
}

const DYNAMIC = /^pulumi-nodejs:dynamic(\/|:)/;

export async function runProgram(options: RunOptions): Promise<ProgramRun> {
  const registrations: Registration[] = options.sink ?? [];
  let stackOutputs: Record<string, unknown> = {};
  const providers = new Map<string, Record<string, any>>();

  await pulumi.runtime.setMocks(
    {
      async newResource(args) {
        registrations.push({ type: args.type, name: args.name, inputs: args.inputs });
        if (!DYNAMIC.test(args.type)) return { id: undefined, state: args.inputs };
        if (!options.forward) {
          // Echo the inputs, and make up the ids that EM would assign, so that the program's exports are known.
          const id = `${args.name}-id`;
          const made = args.type.endsWith(":Subtenant") ? { subtenantId: id } : args.type.endsWith(":EnterpriseAccount") ? { accountId: id, roleNames: args.inputs.roles } : {};
          return { id, state: { ...args.inputs, ...made } };
        }
        const text = args.inputs.__provider as string;
        let provider = providers.get(text);
        if (!provider) {
          provider = await loadProvider(text, options.config, options.project);
          providers.set(text, provider);
        }
        const news = unwrapSecrets(args.inputs);
        const checked = await provider.check({}, news);
        if (checked.failures?.length) throw new Error(`check of ${args.name} failed: ${checked.failures.map((f: { property: string; reason: string }) => `${f.property}: ${f.reason}`).join("; ")}`);
        const created = await provider.create(checked.inputs ?? news);
        // As the engine does: an output under the key of a secret input stays secret.
        const state: Record<string, unknown> = { ...created.outs };
        for (const [key, value] of Object.entries(args.inputs)) if (isSecretValue(value) && key in state) state[key] = pulumi.secret(state[key]);
        return { id: created.id, state };
      },
      call(args) {
        throw new Error(`unexpected invoke ${args.token}`);
      },
    },
    options.project,
    "dev",
    false,
  );
  const monitor = pulumi.runtime.getMonitor() as any;
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req: any, callback: any) => {
    if (/::pulumi:pulumi:Stack::/.test(req.getUrn())) stackOutputs = pulumi.runtime.deserializeProperties(req.getOutputs());
    return registerOutputs(req, callback);
  };
  pulumi.runtime.setAllConfig(options.config, options.secretKeys);

  // Fresh module per run: a program declares its resources when it is loaded or called.
  delete require.cache[require.resolve(options.program)];
  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    const exported = require(options.program);
    return exported instanceof Function ? exported(options.argument) : exported;
  });
  return { registrations, stackOutputs, outputs: (outputs ?? {}) as Record<string, unknown> };
}

/** Every string anywhere in a value, with the path to it. */
export function strings(value: unknown, at = ""): { at: string; value: string }[] {
  if (typeof value === "string") return [{ at, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${at}[${i}]`));
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [{ at: `${at}.${k}`, value: k }, ...strings(v, `${at}.${k}`)]);
  return [];
}

/** Every place in a value that holds a secret wrapper. */
export function secretsIn(value: unknown, at = ""): string[] {
  if (isSecretValue(value)) return [at];
  if (Array.isArray(value)) return value.flatMap((v, i) => secretsIn(v, `${at}[${i}]`));
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => secretsIn(v, `${at}.${k}`));
  return [];
}

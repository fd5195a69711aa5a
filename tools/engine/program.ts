/**
 * Runs a Pulumi program in this process under `pulumi.runtime.setMocks`, the way the language host would run
 * it, with every resource registration handed to a handler. `forwardToEngine` makes the handler apply dynamic
 * resources through the real plugin (the engine's `up`), so the program gets the provider's real outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Engine, RegisterOptions } from "./engine";

export type MockResourceArgs = pulumi.runtime.MockResourceArgs;
export type ResourceHandler = (args: MockResourceArgs) => Promise<{ id: string; state: Record<string, unknown> }>;

export interface ProgramOptions {
  project?: string;
  stack?: string;
  /** Stack config, namespaced keys (e.g. veeam-em:url), as the program reads it with pulumi.Config. */
  config?: Record<string, string>;
  secretConfigKeys?: string[];
  /** Per resource name, options the mocks cannot see (e.g. additionalSecretOutputs). */
  resourceOptions?: (args: MockResourceArgs) => RegisterOptions | undefined;
}

export const isDynamic = (type: string) => type.startsWith("pulumi-nodejs:dynamic");

/** A registration (or the program itself) failed; `errors` holds every failure. */
export class ProgramFailedError extends Error {
  constructor(readonly errors: Error[]) {
    super(`the program failed: ${errors.map((e) => e.message).join("; ")}`);
    this.name = "ProgramFailedError";
  }
}

/**
 * Runs `program` as a stack; resolves with the stack outputs once every registration finished (the language
 * host waits for the RPC queue to drain the same way), rejects with every failure otherwise.
 */
export async function runUnderMocks(program: () => unknown, handler: ResourceHandler, options: ProgramOptions = {}): Promise<Record<string, unknown>> {
  const errors: Error[] = [];
  // Config is process-wide in the SDK: leave it alone unless the run brings its own.
  if (options.config) pulumi.runtime.setAllConfig(options.config, options.secretConfigKeys ?? []);
  await pulumi.runtime.setMocks(
    {
      newResource: async (args) => {
        try {
          return await handler(args);
        } catch (err) {
          errors.push(err as Error);
          throw err;
        }
      },
      call: async (args) => {
        throw new Error(`no mock for the function ${args.token}`);
      },
    },
    options.project ?? "project",
    options.stack ?? "stack",
    false,
  );
  let outputs: Record<string, unknown> | undefined;
  try {
    outputs = (await pulumi.runtime.runInPulumiStack(async () => {
      const result = await program();
      return (typeof result === "object" && result !== null ? result : {}) as Record<string, unknown>;
    })) as Record<string, unknown> | undefined;
  } catch (err) {
    if (!errors.includes(err as Error)) errors.push(err as Error);
  }
  await pulumi.runtime.disconnect();
  if (errors.length > 0) throw new ProgramFailedError(errors);
  return outputs ?? {};
}

/** A handler that applies dynamic resources through `engine` and records which URNs the program declared. */
export function forwardToEngine(engine: Engine, declared: Set<string>, options: ProgramOptions = {}): ResourceHandler {
  return async (args) => {
    if (!isDynamic(args.type)) return { id: `${args.name}-id`, state: args.inputs };
    const result = await engine.register(args.type, args.name, args.inputs, options.resourceOptions?.(args));
    declared.add(result.state.urn);
    return { id: result.state.id, state: engine.programOutputs(result.state.urn) };
  };
}

/** Loads a program module (CommonJS, compiled) as the Node.js language host does: its exports are the outputs. */
export function moduleProgram(modulePath: string): () => Promise<unknown> {
  return async () => {
    const exported = require(modulePath);
    const main = exported && typeof exported === "object" && "default" in exported ? exported.default : exported;
    return typeof main === "function" ? await main() : exported;
  };
}

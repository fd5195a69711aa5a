#!/usr/bin/env node
/**
 * `pulumi-resource-veeam-em`: the `veeam-em` provider plugin. The engine starts it (found on PATH, or by path
 * in Pulumi.yaml's `plugins.providers`) with its own address as the argument, in the program's directory; the
 * plugin prints its port as the first line of stdout and serves until the engine ends it.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { NativeProvider } from "./native";
import { serve } from "./server";

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.resolve(__dirname, "..", "..", "..", "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "0.0.0";
  }
}

async function main(): Promise<void> {
  const provider = new NativeProvider();
  const { port, server } = await serve(provider, packageVersion(), process.argv[2] ?? "");
  // The engine ends the plugin with a signal: log out of EM first, in one short attempt.
  const stop = (signal: NodeJS.Signals) => {
    server.forceShutdown();
    void provider.pool.closeAll().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  process.stdout.write(`${port}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`pulumi-resource-veeam-em: ${(err as Error).message}\n`);
  process.exit(1);
});

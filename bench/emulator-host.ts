/**
 * Runs the emulator in a process of its own for the bench, like its CLI, with one addition: the tasks take the
 * durations given, in turn (`--durations 920,960,1000`), so that completion latency can be sampled over a spread
 * of durations in one run. Prints `listening on <url>`, then `task <id> <ms>` for every task it starts.
 */
import { parseArgs } from "node:util";
import { startEmulator } from "../emulator/server";
import { benchTenant } from "./workload";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { durations: { type: "string" }, tenants: { type: "string" } }, strict: true });
  const durations = (values.durations ?? "1000").split(",").map(Number);
  if (durations.some((d) => !Number.isFinite(d) || d < 0)) throw new Error(`--durations needs milliseconds separated by commas, got '${values.durations}'`);
  const emulator = await startEmulator({ port: 0, taskDurationMs: durations[0], adminPassword: process.env.VEEAM_EM_EMULATOR_ADMIN_PASSWORD });
  const store = emulator.store;
  // Copies of the seed's tenant, each with its own quota resource (benchTenant), for subtenants spread over tenants.
  const seedTenant = store.state.tenants[0];
  for (let k = 1; k < Number(values.tenants ?? "1"); k++) {
    const { id, name, resourceId } = benchTenant(k);
    store.state.tenants.push({ ...structuredClone(seedTenant), id, name, resources: seedTenant.resources.slice(0, 1).map((r) => ({ ...structuredClone(r), id: resourceId, displayName: `${name} Cloud Repository` })) });
  }
  const startTask = store.startTask.bind(store);
  let started = 0;
  // The store reads its task duration when a task starts: set it for each task in turn.
  store.startTask = (...args: Parameters<typeof startTask>) => {
    const duration = durations[started++ % durations.length];
    store.settings.taskDurationMs = duration;
    const task = startTask(...args);
    process.stdout.write(`task ${task.id} ${duration}\n`);
    return task;
  };
  process.stdout.write(`listening on ${emulator.url}\n`);
  const stop = () => void emulator.stop().then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench emulator: ${(err as Error).message}\n`);
  process.exit(2);
});

/** `veeam-em export --emulator-seed FILE`: the emulator seed of an EM, written where the flag says. */
import type { EmClient } from "../client";
import { printable, printableJson } from "../export/names";
import { exportEmulatorSeed, SEED_PASSWORD } from "../export/seed";

/** Reads EM, writes the seed with `write`, says what it holds on stdout and what was left out on stderr; exit code 0. */
export async function writeEmulatorSeed(client: EmClient, file: string, progress: (message: string) => void, write: (text: string) => void): Promise<number> {
  const { seed, notes, summary } = await exportEmulatorSeed(client, { onProgress: progress });
  // Names from EM are written with their control characters escaped (the JSON's values stay the same).
  write(printableJson(`${JSON.stringify(seed, null, 2)}\n`));
  for (const note of notes) process.stderr.write(`veeam-em export: note: ${printable(note)}\n`);
  process.stdout.write(`# ${file}: an EM emulator seed of ${summary}.\n`);
  process.stdout.write(`# Every password in it is the placeholder '${SEED_PASSWORD}' (EM never returns passwords).\n`);
  process.stdout.write(`# Start the emulator on it with the version of that EM: npx veeam-em-emulator --seed ${file} --em-version <10|11|12|13>\n`);
  return 0;
}

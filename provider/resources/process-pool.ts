/**
 * The process's one ClientPool: the providers, look-ups and components of a process share its clients, so a run
 * logs on once per EM. It is made on first use, with the log of whoever asks first: the providers in Pulumi's
 * plugin process (runtime.ts, poolLog), the look-ups in the program's process (lookups.ts, programPoolLog, which
 * says the logon at debug level only). A later caller's log is not used; in practice each process has one kind.
 */
import { ClientPool } from "./connection";
import { poolLog } from "./log";

let pool: ClientPool | undefined;

export function processClientPool(log: (message: string) => void = poolLog()): ClientPool {
  return (pool ??= new ClientPool(log));
}

/**
 * The backup server and repositories a CloudTenant names, found in EM's lists (read once per run through
 * runLookups): by UID, bare id or name. Used by create and update, and by check so that a preview finds a name EM
 * does not know. A name that matches nothing is a TenantLookupError naming the field.
 */
import { runLookups, sameUid, type EmClient, type EntityRef } from "../../client";
import type { Repository } from "../../client/codec";
import { sameName } from "../names";
import type { BackupResourceValue } from "./fields";

/** UIDs (or a UID and a bare id) of one object are compared by the client's rule: without case. */
export { sameUid };

/** A declared backup resource with its repository found in EM. */
export interface WantedResource {
  name: string;
  quotaMb: number;
  repository: Repository;
  /** As the stack wrote it (name or UID). */
  declaredAs: string;
}

/** A name in a tenant's declaration that EM does not know; `property` is the field, e.g. backupResources[1].repository. */
export class TenantLookupError extends Error {
  constructor(
    readonly property: string,
    readonly reason: string,
  ) {
    super(`${property}: ${reason}`);
    this.name = "TenantLookupError";
  }
}

/** The backup server a stack names, by UID, bare id or name. */
export async function resolveServer(client: EmClient, wanted: string): Promise<EntityRef> {
  const servers = await runLookups(client).backupServers();
  const found = servers.find((s) => sameUid(s.uid, wanted) || sameName(s.id, wanted)) ?? servers.find((s) => sameName(s.name, wanted));
  if (found) return found;
  throw new TenantLookupError("backupServer", `EM has no backup server '${wanted}'; its backup servers are: ${servers.map((s) => `${s.name} (${s.uid})`).join(", ") || "(none)"}`);
}

/** Each declared backup resource's repository, among the repositories of the tenant's backup server. */
export async function resolveResources(client: EmClient, server: Pick<EntityRef, "id" | "name">, declared: readonly BackupResourceValue[]): Promise<WantedResource[]> {
  if (declared.length === 0) return [];
  const all = await runLookups(client).repositories();
  return declared.map((d, i) => ({ name: d.name, quotaMb: d.quotaMb, repository: resolveRepository(all, server, d.repository, i), declaredAs: d.repository }));
}

/** backupResources[i]'s repository (`wanted`, a name or UID) among EM's repositories `all`, on the tenant's server. */
export function resolveRepository(all: readonly Repository[], server: Pick<EntityRef, "id" | "name">, wanted: string, i: number): Repository {
  const match = (list: readonly Repository[]) => list.find((r) => sameUid(r.uid, wanted)) ?? list.find((r) => sameName(r.name, wanted));
  const own = all.filter((r) => sameName(r.backupServerId, server.id));
  const repository = match(own);
  if (repository) return repository;
  const property = `backupResources[${i}].repository`;
  const elsewhere = match(all);
  if (elsewhere) throw new TenantLookupError(property, `'${wanted}' is a repository of backup server '${elsewhere.backupServerName}', not of the tenant's backup server '${server.name}'`);
  throw new TenantLookupError(property, `backup server '${server.name}' has no repository '${wanted}'; its repositories are: ${own.map((r) => r.name).join(", ") || "(none)"}`);
}

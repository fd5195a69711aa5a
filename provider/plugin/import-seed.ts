/**
 * `pulumi import` sends only an id: no outputs to read from. For each kind, the outputs a refresh would have had,
 * found in EM from the id alone, so that the resource provider's own `read` can run as on a refresh and hand back
 * every argument EM reports as the imported inputs (never a password: EM does not return one).
 */
import type { EmClient } from "../client";
import { DECLARED_KEY } from "../resources/fields";
import { sameName } from "../resources/names";

export type ImportSeed = (client: EmClient, id: string) => Promise<Record<string, unknown> | undefined>;

/** A subtenant by its id, in whichever tenant holds it (one query over every subtenant). */
const subtenant: ImportSeed = async (client, id) => {
  const found = (await client.listSubtenants()).find((s) => sameName(s.id, id));
  if (!found) return undefined;
  const limited = !found.quota.unlimited;
  return {
    tenantId: found.tenantId,
    tenantName: found.tenantName,
    name: found.name,
    [DECLARED_KEY]: ["tenantId", "name", "description", "enabled", "tenantResourceId", "quotaName", ...(limited ? ["quotaMb"] : []), "unlimitedQuota"],
  };
};

const account: ImportSeed = async (client, id) => {
  const found = await client.getAccount(id);
  if (!found) return undefined;
  const restricted = !found.allowRestoreAllVms;
  // EM reports both settings on every account; their defaults (no restriction) read as "not declared", so an
  // import of an account made without them is no change to a program that leaves them out.
  const flr = found.flrSettings?.flrInplaceOnly === true;
  const sql = found.sqlSettings?.denyInPlaceRestore === true;
  return {
    accountType: found.accountType,
    accountName: found.name,
    roles: [],
    allowRestoreAllVms: found.allowRestoreAllVms,
    ...(restricted ? { hierarchyScopeObjects: [] } : {}),
    // Present, so a refresh takes EM's values (see the table's refresh rules).
    ...(flr ? { flrSettings: { inplaceOnly: true } } : {}),
    ...(sql ? { sqlSettings: { denyInPlaceRestore: true } } : {}),
    [DECLARED_KEY]: ["accountType", "accountName", "roles", "allowRestoreAllVms", ...(restricted ? ["hierarchyScopeObjects"] : []), ...(flr ? ["flrSettings"] : []), ...(sql ? ["sqlSettings"] : [])],
  };
};

const tenant: ImportSeed = async (client, id) => {
  const found = await client.getTenant(id);
  if (!found) return undefined;
  const optional = [...(found.leaseExpiration !== undefined ? ["leaseExpiration"] : []), ...(found.throttling ? ["throttling"] : [])];
  return {
    name: found.name,
    backupServer: found.backupServerName || `urn:veeam:BackupServer:${found.backupServerId ?? ""}`,
    backupServerId: found.backupServerId,
    backupResources: [],
    [DECLARED_KEY]: ["name", "description", "enabled", "backupServer", "maxConcurrentTasks", "backupResources", ...optional],
  };
};

export const IMPORT_SEEDS: Record<string, ImportSeed> = { Subtenant: subtenant, EnterpriseAccount: account, CloudTenant: tenant };

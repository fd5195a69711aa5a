/**
 * What only EM can answer, asked in `check` so that `pulumi preview` reports it before `up`: a tenant, quota
 * resource or role EM does not have, and a name already taken in EM by an object the stack does not manage. Each
 * failure names the field. Only what the declaration changes is asked (every argument of a new object; for an
 * existing one, what differs from its state), so an unchanged stack asks EM nothing. Look-ups are made once per
 * client and run: the tenants and roles with `runLookups` (which create then reuses), the names taken with one
 * list per tenant (subtenants) or of EM (accounts), so `up` adds a request per tenant, not per object; a name
 * that list shows taken is asked again before it is reported.
 * A CloudTenant's backup server and repositories come from EM's lists, read once per run too.
 * A value not known yet (a preview with inputs from other resources) is not asked about.
 */
import { runLookups, type CloudTenant, type EmClient } from "../client";
import { NameMayBeSameError } from "../client/name-rule";
import { findRole } from "./account/fields";
import { didYouMean } from "./fields";
import { resolveRepository, resolveServer, sameUid, TenantLookupError } from "./tenant/resolve";
import { nameKey, sameName } from "./names";
import { isUnknown, type Failure } from "./validation";

const quoted = (names: string[]) => names.map((n) => `'${n}'`).join(", ") || "(none)";
const known = (value: unknown): value is string => typeof value === "string" && value !== "" && !isUnknown(value);

/** Names taken in EM, by lower-case name: the object's id and its name as EM spells it. */
type Taken = Map<string, { id: string; name: string }>;

const takenByClient = new WeakMap<EmClient, Map<string, Promise<Taken>>>();

/** One list per client and key (a tenant's subtenants, EM's accounts), shared by every check of the run. */
function takenNames(client: EmClient, key: string, list: () => Promise<Array<{ id: string; name: string }>>): Promise<Taken> {
  let lists = takenByClient.get(client);
  if (!lists) takenByClient.set(client, (lists = new Map()));
  let pending = lists.get(key);
  if (!pending) {
    pending = list().then((objects) => new Map(objects.map((o) => [nameKey(o.name), o])));
    lists.set(key, pending);
    // A failed list is asked again by the next check.
    pending.catch(() => lists.delete(key));
  }
  return pending;
}

/**
 * A name the run's list shows taken, asked again on its own: the list may be older than the object's delete, and
 * a preview must not refuse a name that is free. (A name the list shows free and someone took since is refused
 * by EM at `up`, as without this check.)
 */
async function confirmed(taken: Taken, name: string, find: () => Promise<{ id: string; name: string } | undefined>): Promise<{ id: string; name: string } | undefined> {
  const now = await find();
  if (!now) taken.delete(nameKey(name));
  return now;
}

/** Runs a look-up by name; one EM might count as the same name but that is not it is the field's failure. */
async function byName<T>(property: string, failures: Failure[], find: () => Promise<T>): Promise<T | undefined> {
  try {
    return await find();
  } catch (err) {
    if (!(err instanceof NameMayBeSameError)) throw err;
    failures.push({ property, reason: err.message });
    return undefined;
  }
}

const changed = (isNew: boolean, olds: Record<string, unknown>, news: Record<string, unknown>, field: string) => isNew || !sameName(String(olds[field] ?? ""), String(news[field] ?? ""));

const notManaged = (what: string) =>
  `${what}, which this stack does not manage. Set adopt: true to take it over (dynamic providers cannot use 'pulumi import'), or choose another name.`;

/** A Subtenant's tenant, quota resource and name, as EM has them. */
export async function subtenantInEm(client: EmClient, oldArgs: object, newArgs: object): Promise<Failure[]> {
  const [olds, news] = [oldArgs as Record<string, unknown>, newArgs as Record<string, unknown>];
  const failures: Failure[] = [];
  const isNew = olds.name === undefined;
  const byId = news.tenantId !== undefined;
  const tenantField = byId ? "tenantId" : "tenantName";
  const tenantKey = news[tenantField];
  if (!known(tenantKey)) return failures;
  const tenantChanged = changed(isNew, olds, news, tenantField);
  const resourceChanged = changed(isNew, olds, news, "tenantResourceId") || changed(isNew, olds, news, "quotaMb");
  const nameChanged = changed(isNew, olds, news, "name");
  if (!tenantChanged && !resourceChanged && !nameChanged) return failures;

  const lookups = runLookups(client);
  const tenant: CloudTenant | undefined = byId ? await lookups.tenantById(tenantKey) : await byName(tenantField, failures, () => lookups.tenantByName(tenantKey));
  if (failures.length > 0) return failures;
  if (!tenant) {
    const names = (await client.listTenants()).map((t) => t.name);
    const wanted = byId ? `with id ${tenantKey}` : `named '${tenantKey}'${didYouMean(tenantKey, names)}`;
    failures.push({ property: tenantField, reason: `EM has no cloud tenant ${wanted}; its tenants are: ${quoted(names)}` });
    return failures;
  }

  const resourceId = news.tenantResourceId;
  if ((tenantChanged || resourceChanged) && known(resourceId)) {
    const resource = tenant.resources.find((r) => sameName(r.id, resourceId));
    if (!resource) {
      const theirs = tenant.resources.map((r) => `'${r.displayName}' (${r.id})`).join(", ") || "(none)";
      failures.push({ property: "tenantResourceId", reason: `Tenant '${tenant.name}' has no quota resource with id ${resourceId}; its quota resources are: ${theirs}` });
    } else if (typeof news.quotaMb === "number" && news.unlimitedQuota !== true && news.quotaMb > resource.quotaMb) {
      failures.push({ property: "quotaMb", reason: `quota of ${news.quotaMb} MB is more than tenant '${tenant.name}' has on quota resource '${resource.displayName}' (${resource.quotaMb} MB)` });
    }
  }

  const name = news.name;
  if ((tenantChanged || nameChanged) && news.adopt !== true && known(name)) {
    const taken = await takenNames(client, `subtenants:${tenant.id.toLowerCase()}`, () => client.listSubtenants({ tenantId: tenant.id }));
    const other = taken.has(nameKey(name)) ? await byName("name", failures, () => confirmed(taken, name, () => client.findSubtenantByName(tenant.id, name))) : undefined;
    if (other) failures.push({ property: "name", reason: `${notManaged(`Tenant '${tenant.name}' already has a subtenant named '${other.name}' (id ${other.id})`)}` });
  }
  return failures;
}

/** An EnterpriseAccount's roles and name, as EM has them. */
export async function accountInEm(client: EmClient, oldArgs: object, newArgs: object): Promise<Failure[]> {
  const [olds, news] = [oldArgs as Record<string, unknown>, newArgs as Record<string, unknown>];
  const failures: Failure[] = [];
  const isNew = olds.accountName === undefined;
  const roles = Array.isArray(news.roles) ? news.roles : [];
  const rolesChanged = isNew || !Array.isArray(olds.roles) || roles.length !== olds.roles.length || roles.some((r) => !(olds.roles as unknown[]).some((o) => sameName(String(o), String(r))));
  if (rolesChanged && roles.length > 0 && roles.every(known)) {
    const emRoles = await runLookups(client).roles();
    roles.forEach((role, i) => {
      const names = emRoles.map((r) => r.name);
      if (!findRole(role, emRoles)) failures.push({ property: `roles[${i}]`, reason: `EM has no role '${role}'${didYouMean(role, names)}; its roles are: ${quoted(names)}` });
    });
  }
  const name = news.accountName;
  if (changed(isNew, olds, news, "accountName") && news.adopt !== true && known(name)) {
    const taken = await takenNames(client, "accounts", () => client.listAccounts());
    const other = taken.has(nameKey(name)) ? await byName("accountName", failures, () => confirmed(taken, name, () => client.findAccountByName(name))) : undefined;
    if (other) failures.push({ property: "accountName", reason: `${notManaged(`EM already has an account named '${other.name}' (id ${other.id})`)}` });
  }
  return failures;
}

/** A CloudTenant's backup server, the repositories of its backup resources, and its name, as EM has them. */
export async function tenantInEm(client: EmClient, oldArgs: object, newArgs: object): Promise<Failure[]> {
  const [olds, news] = [oldArgs as Record<string, unknown>, newArgs as Record<string, unknown>];
  const failures: Failure[] = [];
  const isNew = olds.name === undefined;
  const serverKey = news.backupServer;
  if (!known(serverKey)) return failures;
  const serverChanged = changed(isNew, olds, news, "backupServer");
  const repositoriesOf = (value: unknown) => (Array.isArray(value) ? value.map((r) => (r as { repository?: unknown })?.repository) : []);
  const declared = repositoriesOf(news.backupResources);
  const before = repositoriesOf(olds.backupResources);
  const resourcesChanged = isNew || serverChanged || declared.some((r) => !before.some((b) => known(b) && known(r) && sameName(b, r)));
  const nameChanged = changed(isNew, olds, news, "name");
  if (!serverChanged && !resourcesChanged && !nameChanged) return failures;

  const lookedUp = async <T>(find: () => Promise<T> | T): Promise<T | undefined> => {
    try {
      return await find();
    } catch (err) {
      if (!(err instanceof TenantLookupError)) throw err;
      failures.push({ property: err.property, reason: err.reason });
      return undefined;
    }
  };
  const server = await lookedUp(() => resolveServer(client, serverKey));
  if (!server) return failures;

  if (resourcesChanged && declared.some(known)) {
    const repositories = await runLookups(client).repositories();
    for (const [i, repository] of declared.entries()) if (known(repository)) await lookedUp(() => resolveRepository(repositories, server, repository, i));
  }

  const name = news.name;
  if ((serverChanged || nameChanged) && news.adopt !== true && known(name)) {
    const onServer = (t: CloudTenant) => t.backupServerId === undefined || sameUid(t.backupServerId, server.id);
    const taken = await takenNames(client, `tenants:${server.id.toLowerCase()}`, async () => (await client.listTenants()).filter(onServer));
    const find = async () => {
      const found = await client.findTenantByName(name);
      return found && onServer(found) ? found : undefined;
    };
    const other = taken.has(nameKey(name)) ? await byName("name", failures, () => confirmed(taken, name, find)) : undefined;
    if (other) failures.push({ property: "name", reason: notManaged(`Backup server '${server.name}' already has a tenant named '${other.name}' (id ${other.id})`) });
  }
  return failures;
}

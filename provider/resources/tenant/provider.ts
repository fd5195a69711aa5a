import type * as pulumi from "@pulumi/pulumi";
import { EmCreatedUnreadableError, EmNameTakenError, EmOutcomeUnknownError, runLookups, sameLease, type CloudTenant, type CloudTenantResource, type EmClient, type EntityRef } from "../../client";
import type { CloudTenantEditSpec } from "../../client/codec";
import { declaredArgs, finishCreated, ProviderBase } from "../base";
import { declaredFrom, declaredIn, diffInputs, onlyStateChanges, outputsFrom, refreshedInputs, withStateArguments } from "../fields";
import { sameConnectionEm } from "../fields/connection";
import { tenantInEm } from "../em-check";
import { IMPORT_UNSUPPORTED, notAtNewUrl } from "../messages";
import { pickSameName } from "../../client/name-rule";
import { reportedResources, TENANT_FIELDS, type BackupResourceValue } from "./fields";
import { checkTenantInputs, TENANT_ARGS, type CloudTenantInputs, type CloudTenantOutputs } from "./inputs";
import { resolveResources, resolveServer, sameUid, type WantedResource } from "./resolve";


/** `known`: the declared resources with their repositories' UIDs, so the outputs keep the stack's spelling. */
function outputsOf(inputs: CloudTenantInputs, tenant: CloudTenant, declared: string[], known: readonly BackupResourceValue[] | undefined): CloudTenantOutputs {
  const report = { tenant, resources: reportedResources(tenant.resources, known) };
  return outputsFrom(TENANT_FIELDS, inputs, report, declared);
}

function declaredOf(outputs: CloudTenantOutputs): string[] {
  return declaredFrom(outputs, () => declaredIn(TENANT_FIELDS, outputs));
}

function standaloneOnly(tenant: CloudTenant): void {
  if (tenant.type !== "Standalone") {
    throw new Error(`Tenant '${tenant.name}' (id ${tenant.id}) is a ${tenant.type} tenant: CloudTenant manages standalone tenants only; ${tenant.type === "vCD" ? "vCD organization" : "Active Directory"} tenants are not supported. Nothing was changed.`);
  }
}

/** Cloud Connect tenants and their backup resources, through EM's tenant API (every change runs as a polled task). */
export class CloudTenantProvider extends ProviderBase implements pulumi.dynamic.ResourceProvider<CloudTenantInputs, CloudTenantOutputs> {
  async check(olds: CloudTenantInputs, news: CloudTenantInputs): Promise<pulumi.dynamic.CheckResult<CloudTenantInputs>> {
    const { inputs, failures } = checkTenantInputs(news);
    // What only EM can answer, once the declaration itself is sound: so a preview finds it, not only `up`.
    if (failures.length === 0) failures.push(...(await this.inEm(inputs, (client) => tenantInEm(client, (olds ?? {}), inputs))));
    return { inputs, failures };
  }

  async diff(_id: string, olds: CloudTenantOutputs, news: CloudTenantInputs): Promise<pulumi.dynamic.DiffResult> {
    // The backup server spelt by its UID (or id) where the stack had its name, or back, is the same server.
    const sameServer = typeof news.backupServer === "string" && olds.backupServerId !== undefined && sameUid(news.backupServer, olds.backupServerId);
    const compared = sameServer ? { ...news, backupServer: olds.backupServer } : news;
    const result = diffInputs(TENANT_FIELDS, olds, compared);
    // A replacement deletes the old tenant with the old outputs: their deleteBackupsOnDestroy, not the new one.
    if (result.replaces.length > 0 && olds.deleteBackupsOnDestroy === true && news.deleteBackupsOnDestroy !== true) {
      throw new Error(
        `Tenant '${olds.name}': this update replaces the tenant (${result.replaces.join(", ")} changed) and turns deleteBackupsOnDestroy off, but the old tenant would still be deleted with its backups (the setting it was recorded with). Nothing was changed. ` +
          "Run 'pulumi up' with deleteBackupsOnDestroy: false alone first, then make the change that replaces the tenant.",
      );
    }
    return result;
  }

  async create(inputs: CloudTenantInputs): Promise<pulumi.dynamic.CreateResult<CloudTenantOutputs>> {
    const client = this.client(inputs);
    const server = await resolveServer(client, inputs.backupServer);
    const wanted = await resolveResources(client, server, inputs.backupResources ?? []);
    const declared = declaredArgs(inputs, TENANT_ARGS);
    const existing = inputs.adopt ? await adoptable(client, server, inputs.name) : undefined;
    if (existing) {
      standaloneOnly(existing);
      // From here the tenant is the stack's. EM never returns a password, so adopting keeps the one EM has: the
      // declared password is recorded as sent, and goes to EM only when the declaration changes later ("always").
      // A tenant that already matches the declaration is taken over without a single write.
      const recorded = () => ({ ...outputsOf(inputs, existing, declared, knownOf(wanted)), __provider: (inputs as { __provider?: unknown }).__provider });
      const tenant = await finishCreated(existing.id, recorded, `Adopted tenant '${existing.name}'`, () => converge(client, existing, inputs, wanted, inputs.password));
      return { id: tenant.id, outs: outputsOf(inputs, tenant, declared, knownOf(wanted)) };
    }
    const tenant = await this.add(client, server, inputs, wanted);
    return { id: tenant.id, outs: outputsOf(inputs, tenant, declared, knownOf(wanted)) };
  }

  async read(id: string, props?: CloudTenantOutputs): Promise<pulumi.dynamic.ReadResult<CloudTenantOutputs>> {
    if (!props) throw new Error(IMPORT_UNSUPPORTED);
    const tenant = await this.client(props).getTenant(id);
    if (!tenant) return {};
    const declared = declaredOf(props);
    const report = { tenant, resources: reportedResources(tenant.resources, props.backupResources) };
    const inputs: CloudTenantInputs = refreshedInputs(TENANT_FIELDS, props, report, declared);
    return { id, props: outputsOf({ ...props, ...inputs }, tenant, declared, props.backupResources), inputs: inputs as CloudTenantOutputs };
  }

  async update(id: string, olds: CloudTenantOutputs, news: CloudTenantInputs): Promise<pulumi.dynamic.UpdateResult<CloudTenantOutputs>> {
    if (onlyStateChanges(TENANT_FIELDS, olds, news)) return { outs: stateOnlyUpdate(olds, news) };
    const client = this.client(news);
    const server = { id: olds.backupServerId, name: olds.backupServer, uid: `urn:veeam:BackupServer:${olds.backupServerId}`, type: "BackupServerReference", href: "" };
    const wanted = await resolveResources(client, server, news.backupResources ?? []);
    // The run's list of tenants (one query for every update of the run) is enough to build an edit that cannot
    // lose data; one that removes a backup resource or lowers a quota reads the tenant afresh, for its used space.
    const listed = sameConnectionEm(olds.connection, news.connection) ? await runLookups(client).listedTenantOnce(id) : undefined;
    const current = listed && !mayLoseData(listed, wanted) ? listed : await client.getTenant(id);
    if (!current) {
      const where = sameConnectionEm(olds.connection, news.connection) ? "" : ` (looked for at ${String(news.connection?.url)})`;
      if (where) throw new Error(notAtNewUrl(`Tenant '${olds.name}'`, id, String(news.connection?.url)));
      throw new Error(`Tenant '${olds.name}' (id ${id}) no longer exists in EM; run 'pulumi refresh' to drop it from the stack, then 'pulumi up' to create it again`);
    }
    standaloneOnly(current);
    const tenant = await converge(client, current, news, wanted, olds.password);
    return { outs: outputsOf(news, tenant, declaredArgs(news, TENANT_ARGS), knownOf(wanted)) };
  }

  async delete(id: string, props: CloudTenantOutputs): Promise<void> {
    // EM deletes a tenant's backups only when asked; only the stack's explicit setting asks.
    await this.client(props).deleteTenant(id, { includeBackups: props.deleteBackupsOnDestroy === true });
  }

  private async add(client: EmClient, server: EntityRef, inputs: CloudTenantInputs, wanted: WantedResource[]): Promise<CloudTenant> {
    try {
      return await client.createTenant({
        name: inputs.name,
        description: inputs.description,
        password: inputs.password,
        enabled: inputs.enabled,
        leaseExpirationDate: inputs.leaseExpiration && isoInstant(inputs.leaseExpiration),
        resources: wanted.map((w) => ({ name: w.name, repositoryUid: w.repository.uid, quotaMb: w.quotaMb })),
        throttling: inputs.throttling,
        backupServerUid: server.uid,
        maxConcurrentTasks: inputs.maxConcurrentTasks,
      });
    } catch (err) {
      if (err instanceof EmNameTakenError) {
        throw new Error(
          `Backup server '${server.name}' already has a tenant named '${inputs.name}'. It was left untouched. Set adopt: true to manage it with this stack (dynamic providers cannot use 'pulumi import'), or choose another name.`,
          { cause: err },
        );
      }
      let advice = "";
      if (err instanceof EmOutcomeUnknownError) {
        advice =
          ` Check in EM (Cloud Connect > Tenants) whether a tenant '${inputs.name}' exists on backup server '${server.name}', now or once EM's task has ended, and whether it is the one this stack asked for` +
          ` (description, backup resources and lease as declared, created just now). If it is, set adopt: true on this tenant and run 'pulumi up': the stack takes it over.` +
          ` If it is someone else's, give this tenant another name. Until then the stack does not touch it.`;
      } else if (err instanceof EmCreatedUnreadableError) {
        advice = ` It is this stack's: set adopt: true on this tenant and run 'pulumi up' again to record it.`;
      }
      throw new Error(`Creating tenant '${inputs.name}' failed: ${(err as Error).message}${advice}`, { cause: err });
    }
  }
}

/**
 * The outputs after an update that changes only state-only arguments (deleteBackupsOnDestroy,
 * allowBackupResourceDataLoss): EM is neither asked nor written; the stored outputs take the new values, so a later
 * destroy or update reads them.
 */
function stateOnlyUpdate(olds: CloudTenantOutputs, news: CloudTenantInputs): CloudTenantOutputs {
  return withStateArguments(TENANT_FIELDS, olds, news, declaredArgs(news, TENANT_ARGS));
}

/**
 * The tenant `adopt` takes over: the one of the declared backup server whose name is surely the declared one (the
 * name rule); one only possibly the same is a NameMayBeSameError. A tenant whose server EM did not name is not it.
 */
async function adoptable(client: EmClient, server: EntityRef, name: string): Promise<CloudTenant | undefined> {
  const onServer = (await client.listTenants()).filter((t) => t.backupServerId !== undefined && sameUid(t.backupServerId, server.id));
  return pickSameName(onServer, name, (t) => t.name, `cloud tenant of backup server '${server.name}'`);
}

function knownOf(wanted: WantedResource[]): BackupResourceValue[] {
  return wanted.map((w) => ({ repository: w.declaredAs, repositoryUid: w.repository.uid, quotaMb: w.quotaMb, name: w.name }));
}

/** ISO 8601 as EM writes it (a bare date is midnight UTC). */
function isoInstant(value: string): string {
  return new Date(Date.parse(value)).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Makes EM's tenant match the declaration: refuses first what would lose data (a removed backup resource, or a
 * quota below what is used); then one edit (tenant settings and the quotas and names of kept resources), the new
 * resources, and the removal of the undeclared ones. Returns the tenant as EM then has it.
 */
async function converge(client: EmClient, current: CloudTenant, news: CloudTenantInputs, wanted: WantedResource[], oldPassword: string | undefined): Promise<CloudTenant> {
  const matchOf = (r: { repositoryUid: string }) => wanted.find((w) => sameUid(w.repository.uid, r.repositoryUid));
  const removed = current.resources.filter((r) => !matchOf(r));
  const added = wanted.filter((w) => !current.resources.some((r) => sameUid(r.repositoryUid, w.repository.uid)));
  if (removed.length > 0 && !news.allowBackupResourceDataLoss) {
    // A resource whose used space EM does not report may hold backups: it is refused like one that does.
    const holding: string[] = [];
    for (const r of removed) {
      const used = await usedSpaceOf(client, current.id, r);
      if (used === undefined) holding.push(`'${r.displayName}' (on ${r.repositoryUid}; EM did not report the space it uses, so it may hold backups)`);
      else if (used > 0) holding.push(`'${r.displayName}' (${used} MB of backups on ${r.repositoryUid})`);
    }
    if (holding.length > 0) {
      throw new Error(
        `Tenant '${current.name}': removing backup resource ${holding.join(", ")} would leave the tenant's backups on the repository without a quota for them. Nothing was changed. ` +
          "Keep the resource declared, or move or delete those backups first (a refresh then shows the space freed), or set allowBackupResourceDataLoss: true to remove it anyway.",
      );
    }
  }
  for (const r of current.resources) {
    const w = matchOf(r);
    if (!w || w.quotaMb >= r.quotaMb) continue;
    // A lowered quota with its use unknown goes to EM, which refuses a quota below what is used (put_tenants_id).
    const used = await usedSpaceOf(client, current.id, r);
    if (used !== undefined && w.quotaMb < used) throw new Error(`Tenant '${current.name}': backup resource '${r.displayName}' already holds ${used} MB; a quota of ${w.quotaMb} MB is smaller. Nothing was changed. Declare at least ${used} MB.`);
  }
  const password = oldPassword === undefined || (news.passwordPolicy !== "initial" && news.password !== oldPassword) ? news.password : undefined;
  const spec: CloudTenantEditSpec = {
    name: current.name,
    password,
    description: news.description,
    enabled: news.enabled,
    leaseExpiration: news.leaseExpiration && isoInstant(news.leaseExpiration),
    resources: current.resources.map((r) => {
      const w = matchOf(r);
      return { id: r.id, displayName: w?.name ?? r.displayName, repositoryUid: r.repositoryUid, wanAcceleratorUid: r.wanAcceleratorUid, quotaMb: w?.quotaMb ?? r.quotaMb };
    }),
    throttling: news.throttling,
    maxConcurrentTasks: news.maxConcurrentTasks,
  };
  const edits = password !== undefined || tenantEditNeeded(current, spec);
  if (edits) await client.editTenant(current.id, { ...spec, ...(await carriedBack(client, current)) });
  for (const w of added) await client.addTenantResource(current.id, { name: w.name, repositoryUid: w.repository.uid, quotaMb: w.quotaMb });
  for (const r of removed) await client.deleteTenantResource(current.id, r.id);
  if (added.length > 0 || removed.length > 0) return (await client.getTenant(current.id)) ?? current;
  // EM's task finished the edit as sent (the client verifies it where the outcome was unknown): the tenant is
  // what was read with the edit applied, without reading it back; a refresh brings EM's own view.
  return edits ? edited(current, spec) : current;
}

/**
 * MB a backup resource uses: as the tenant reported it, else as the resource itself reports it
 * (get_tenants_id_resources_id lists UsedQuota; EM's examples of the tenant entity leave it out). undefined: unknown.
 */
async function usedSpaceOf(client: EmClient, tenantId: string, r: CloudTenantResource): Promise<number | undefined> {
  if (r.usedQuotaMb !== undefined) return r.usedQuotaMb;
  return (await client.getTenantResource(tenantId, r.id))?.usedQuotaMb;
}

/**
 * What the edit sends back unchanged because the stack does not manage it (put_tenants_id does not say EM keeps an
 * element the body leaves out), from the tenant as read; read afresh (GET ?format=Entity) when the list's form did
 * not show it. A tenant with settings the body cannot carry (replication resources, gateway pools) is not edited.
 */
async function carriedBack(client: EmClient, current: CloudTenant): Promise<Pick<CloudTenantEditSpec, "backupProtectionEnabled" | "backupProtectionPeriod" | "failoverToOtherGatewaysIfFail">> {
  const read = current.unmanaged.backupProtectionEnabled === undefined ? ((await client.getTenant(current.id)) ?? current) : current;
  const { notCarried, ...carried } = read.unmanaged;
  if (notCarried.length > 0) {
    throw new Error(
      `Tenant '${current.name}' has ${notCarried.join(", ")} in EM, which CloudTenant does not manage and cannot send back in the edit EM needs (PUT /cloud/tenants/{id} replaces the tenant's settings), so they could be lost. Nothing was changed. ` +
        "Change this tenant in EM's console, or remove those settings there first.",
    );
  }
  return carried;
}

/** A tenant as an edit leaves it. */
function edited(t: CloudTenant, spec: CloudTenantEditSpec): CloudTenant {
  const th = spec.throttling;
  return {
    ...t,
    description: spec.description ?? t.description,
    enabled: spec.enabled ?? t.enabled,
    leaseExpiration: spec.leaseExpiration,
    maxConcurrentTasks: spec.maxConcurrentTasks ?? t.maxConcurrentTasks,
    throttling: th ? { enabled: th.enabled, speedLimit: th.speedLimit ?? 1, unit: th.unit ?? "MBps" } : t.throttling,
    resources: t.resources.map((r) => {
      const now = spec.resources.find((x) => x.id === r.id);
      return now ? { ...r, displayName: now.displayName ?? r.displayName, quotaMb: now.quotaMb ?? r.quotaMb } : r;
    }),
  };
}

/** Whether making `t` match the declaration removes a backup resource or lowers a quota (where used space matters). */
function mayLoseData(t: CloudTenant, wanted: WantedResource[]): boolean {
  return t.resources.some((r) => {
    const w = wanted.find((x) => sameUid(x.repository.uid, r.repositoryUid));
    return !w || w.quotaMb < r.quotaMb;
  });
}

function tenantEditNeeded(t: CloudTenant, spec: CloudTenantEditSpec): boolean {
  if (t.description !== spec.description || t.enabled !== spec.enabled || t.maxConcurrentTasks !== spec.maxConcurrentTasks) return true;
  if (!sameLease(t.leaseExpiration, spec.leaseExpiration)) return true;
  const th = spec.throttling;
  if (th && (t.throttling?.enabled !== th.enabled || t.throttling.speedLimit !== (th.speedLimit ?? 1) || t.throttling.unit !== (th.unit ?? "MBps"))) return true;
  return spec.resources.some((r) => {
    const now = t.resources.find((x) => x.id === r.id);
    return !now || now.quotaMb !== r.quotaMb || now.displayName !== r.displayName;
  });
}

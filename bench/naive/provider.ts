/**
 * The NAIVE baseline: what a plain dynamic provider for EM typically looks like. axios with its defaults (Node's
 * global agent, so connections are kept alive), JSON, a logon on every call, one GET per read, and a poll of the
 * task every second. No retries, no paging, no adoption, no care for lost answers: it is here only to be measured
 * against, never to be used. Its connection (password included) is captured into `__provider`, as naive providers do.
 * TLS: it trusts the CA in NODE_EXTRA_CA_CERTS, as a user would set it.
 */
import type * as pulumi from "@pulumi/pulumi";
import axios from "axios";

export interface NaiveConnection {
  /** EM's API base, ending in /api/. */
  url: string;
  username: string;
  password: string;
}

interface Task {
  TaskId: string;
  State: string;
  Result?: { Success: boolean; Message?: string };
}

const JSON_HEADERS = { Accept: "application/json", "Content-Type": "application/json" };

async function logon(c: NaiveConnection): Promise<Record<string, string>> {
  const res = await axios.post(`${c.url}sessionMngr/?v=latest`, undefined, { auth: { username: c.username, password: c.password }, headers: { Accept: "application/json" } });
  return { ...JSON_HEADERS, "X-RestSvcSessionId": String(res.headers["x-restsvcsessionid"]) };
}

async function waitForTask(c: NaiveConnection, headers: Record<string, string>, task: Task): Promise<void> {
  while (task.State !== "Finished") {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    task = (await axios.get<Task>(`${c.url}tasks/${task.TaskId}`, { headers })).data;
  }
  if (!task.Result?.Success) throw new Error(`EM task ${task.TaskId} failed: ${task.Result?.Message}`);
}

interface SubtenantEntity {
  Id: string;
  Name: string;
  Description: string;
  Enabled: boolean;
  RepositoryQuota: { DisplayName: string; TenantResourceId: string; QuotaMb: number; UsedQuotaMb: number; Unlimited: boolean };
}

function subtenantOutputs(inputs: Record<string, unknown>, s: SubtenantEntity): Record<string, unknown> {
  return { ...inputs, subtenantId: s.Id, description: s.Description, enabled: s.Enabled, quotaMb: s.RepositoryQuota.QuotaMb, usedQuotaMb: s.RepositoryQuota.UsedQuotaMb };
}

export class NaiveSubtenantProvider implements pulumi.dynamic.ResourceProvider {
  constructor(private readonly c: NaiveConnection) {}

  async create(inputs: any): Promise<pulumi.dynamic.CreateResult> {
    const headers = await logon(this.c);
    const base = `${this.c.url}cloud/tenants/${inputs.tenantId}/subtenants`;
    const spec = { Name: inputs.name, Description: inputs.description, Password: inputs.password, Enabled: inputs.enabled, TenantResourceId: inputs.tenantResourceId, QuotaMb: inputs.quotaMb, UnlimitedQuota: inputs.unlimitedQuota };
    const task = (await axios.post<Task>(base, spec, { headers })).data;
    await waitForTask(this.c, headers, task);
    const filter = `CloudTenantUid=="urn:veeam:CloudTenant:${inputs.tenantId}";Name=="${inputs.name}"`;
    const found = await axios.get(`${this.c.url}query?type=CloudSubtenant&format=Entities&filter=${encodeURIComponent(filter)}`, { headers });
    const subtenant = found.data.Resources.CloudSubtenants.CloudSubtenants[0] as SubtenantEntity;
    return { id: subtenant.Id, outs: subtenantOutputs(inputs, subtenant) };
  }

  async read(id: string, props: any): Promise<pulumi.dynamic.ReadResult> {
    const headers = await logon(this.c);
    const res = await axios.get<SubtenantEntity>(`${this.c.url}cloud/tenants/${props.tenantId}/subtenants/${id}`, { headers, validateStatus: (s) => s === 200 || s === 404 });
    if (res.status === 404) return {};
    return { id, props: subtenantOutputs(props, res.data) };
  }

  async update(id: string, olds: any, news: any): Promise<pulumi.dynamic.UpdateResult> {
    const headers = await logon(this.c);
    const body = {
      Id: id,
      Name: olds.name,
      Description: news.description,
      Password: news.password === olds.password ? "" : news.password,
      Enabled: news.enabled,
      RepositoryQuota: { Unlimited: news.unlimitedQuota, TenantResourceId: news.tenantResourceId, QuotaMb: news.quotaMb },
    };
    const task = (await axios.put<Task>(`${this.c.url}cloud/tenants/${olds.tenantId}/subtenants/${id}`, body, { headers })).data;
    await waitForTask(this.c, headers, task);
    return { outs: { ...olds, ...news } };
  }

  async delete(id: string, props: any): Promise<void> {
    const headers = await logon(this.c);
    const task = (await axios.delete<Task>(`${this.c.url}cloud/tenants/${props.tenantId}/subtenants/${id}`, { headers })).data;
    await waitForTask(this.c, headers, task);
  }
}

export class NaiveAccountProvider implements pulumi.dynamic.ResourceProvider {
  constructor(private readonly c: NaiveConnection) {}

  async create(inputs: any): Promise<pulumi.dynamic.CreateResult> {
    const headers = await logon(this.c);
    const roles = (await axios.get(`${this.c.url}security/roles`, { headers })).data.Refs as Array<{ Name: string; UID: string }>;
    const uids = inputs.roles.map((name: string) => roles.find((r) => r.Name === name)?.UID ?? name);
    const spec = { AccountType: inputs.accountType, AccountName: inputs.accountName, Roles: { EnterpriseRoles: uids.map((uid: string) => ({ EnterpriseRoleUid: uid })) }, AllowRestoreAllVms: inputs.allowRestoreAllVms };
    const res = await axios.post(`${this.c.url}security/accounts`, spec, { headers });
    const id = String(res.headers.location).split("/").pop() as string;
    return { id, outs: { ...inputs, accountId: id } };
  }

  async read(id: string, props: any): Promise<pulumi.dynamic.ReadResult> {
    const headers = await logon(this.c);
    const res = await axios.get(`${this.c.url}security/accounts/${id}?format=Entity`, { headers, validateStatus: (s) => s === 200 || s === 404 });
    if (res.status === 404) return {};
    return { id, props: { ...props, accountName: res.data.Name, allowRestoreAllVms: res.data.AllowRestoreAllVms } };
  }

  async delete(id: string): Promise<void> {
    const headers = await logon(this.c);
    await axios.delete(`${this.c.url}security/accounts/${id}`, { headers });
  }
}

/** A naive CloudTenant: names looked up on every create, the tenant read back for every edit (EM's PUT takes it whole). */
export class NaiveTenantProvider implements pulumi.dynamic.ResourceProvider {
  constructor(private readonly c: NaiveConnection) {}

  async create(inputs: any): Promise<pulumi.dynamic.CreateResult> {
    const headers = await logon(this.c);
    const servers = (await axios.get(`${this.c.url}backupServers`, { headers })).data.Refs as Array<{ Name: string; UID: string }>;
    const repositories = (await axios.get(`${this.c.url}repositories`, { headers })).data.Refs as Array<{ Name: string; UID: string }>;
    const spec = {
      Name: inputs.name,
      Description: inputs.description,
      Password: inputs.password,
      Enabled: true,
      Resources: { BackupResources: inputs.backupResources.map((r: any) => ({ Name: r.name, RepositoryUid: repositories.find((x) => x.Name === r.repository)?.UID, QuotaMb: r.quotaMb })) },
      BackupServerUid: servers.find((s) => s.Name === inputs.backupServer)?.UID,
      MaxConcurrentTasks: inputs.maxConcurrentTasks,
      TenantType: "Standalone",
    };
    const task = (await axios.post<Task>(`${this.c.url}cloud/tenants`, spec, { headers })).data;
    await waitForTask(this.c, headers, task);
    const filter = `Name=="${inputs.name}"`;
    const found = await axios.get(`${this.c.url}query?type=CloudTenant&format=Entities&filter=${encodeURIComponent(filter)}`, { headers });
    const tenant = found.data.Entities.CloudTenants.CloudTenants[0];
    return { id: tenant.Id ?? String(tenant.UID).split(":").pop(), outs: { ...inputs, tenantId: tenant.Id } };
  }

  async read(id: string, props: any): Promise<pulumi.dynamic.ReadResult> {
    const headers = await logon(this.c);
    const res = await axios.get(`${this.c.url}cloud/tenants/${id}?format=Entity`, { headers, validateStatus: (s) => s === 200 || s === 404 });
    if (res.status === 404) return {};
    return { id, props: { ...props, description: res.data.Description } };
  }

  async update(id: string, _olds: any, news: any): Promise<pulumi.dynamic.UpdateResult> {
    const headers = await logon(this.c);
    const tenant = (await axios.get(`${this.c.url}cloud/tenants/${id}?format=Entity`, { headers })).data;
    const body = { ...tenant, Description: news.description, Password: "" };
    const task = (await axios.put<Task>(`${this.c.url}cloud/tenants/${id}`, body, { headers })).data;
    await waitForTask(this.c, headers, task);
    return { outs: { ..._olds, ...news } };
  }

  async delete(id: string): Promise<void> {
    const headers = await logon(this.c);
    const task = (await axios.delete<Task>(`${this.c.url}cloud/tenants/${id}`, { headers })).data;
    await waitForTask(this.c, headers, task);
  }
}

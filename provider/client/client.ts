/** EmClient: the facade the Pulumi resources use. It knows nothing of Pulumi. */
import { inspect } from "node:util";
import {
  type AccountRole,
  type AccountScope,
  type CloudSubtenant,
  type CloudSubtenantCreateSpec,
  type CloudSubtenantEditSpec,
  type CloudTenant,
  cloudSubtenantCreateSpec,
  cloudSubtenantEditSpec,
  type DecodedBody,
  type EnterpriseAccount,
  type EnterpriseAccountCreateSpec,
  enterpriseAccountCreateSpec,
  enterpriseAccountInRoleCreateSpec,
  type EnterpriseRole,
  type EntityRef,
  hierarchyScopeCreateSpec,
  parseAccountRoles,
  parseAccountScopes,
  parseCloudSubtenant,
  parseCloudTenant,
  parseEnterpriseAccount,
  parseEntityReferences,
  parseRoles,
  parseTask,
  ShapeError,
  obj,
} from "./codec";
import { EmApiError, Redactor } from "./errors";
import { Query, QueryRunner, where } from "./query";
import { SessionManager } from "./session";
import { type ConnectionSettings, type ResolvedSettings, resolveSettings } from "./settings";
import { DEFAULT_POLL_TIMING, type PollTiming, type TaskOutcome, TaskWaiter } from "./tasks";
import { Transport, type TransportRequest } from "./transport";

export interface EmClientHooks {
  onWarning?(msg: string): void;
  onProgress?(msg: string): void;
  /** Task polling timing (tests). */
  pollTiming?: Partial<PollTiming>;
}

const CLOUD_TENANT = { singular: "CloudTenant", plural: "CloudTenants" };
const CLOUD_SUBTENANT = { singular: "CloudSubtenant", plural: "CloudSubtenants" };
const ROLE_URN = "urn:veeam:EnterpriseRole:";

function seg(id: string): string {
  if (typeof id !== "string" || id === "") throw new TypeError("an EM object id must be a non-empty string");
  return encodeURIComponent(id);
}

function roleUid(value: string): string {
  return /^urn:/i.test(value) ? value : ROLE_URN + value;
}

export class EmClient {
  readonly #settings: ResolvedSettings;
  readonly #transport: Transport;
  readonly #session: SessionManager;
  readonly #tasks: TaskWaiter;
  readonly #query: QueryRunner;
  readonly #onProgress?: (msg: string) => void;

  constructor(settings: ConnectionSettings, hooks: EmClientHooks = {}) {
    this.#settings = resolveSettings(settings);
    this.#onProgress = hooks.onProgress;
    const redactor = new Redactor();
    redactor.add(this.#settings.credentials.password);
    this.#transport = new Transport(this.#settings, redactor, { onWarning: hooks.onWarning, onRetry: hooks.onProgress });
    this.#session = new SessionManager(this.#transport, this.#settings, hooks.onProgress);
    this.#tasks = new TaskWaiter(this.#session, this.#settings.taskTimeoutMs, { ...DEFAULT_POLL_TIMING, ...hooks.pollTiming }, hooks.onProgress);
    this.#query = new QueryRunner(this.#session);
  }

  /** EM's REST base URL as used (always ending in /api/). */
  get baseUrl(): string {
    return this.#settings.baseUrl;
  }

  /** Logons made so far (one per run unless EM expired the session). */
  get logonCount(): number {
    return this.#session.logonCount;
  }

  [inspect.custom](): string {
    return `EmClient { baseUrl: '${this.#settings.baseUrl}', credentials: '${this.#settings.credentials.kind}' }`;
  }

  toJSON(): Record<string, unknown> {
    return { baseUrl: this.#settings.baseUrl, credentials: this.#settings.credentials.kind };
  }

  /** Logs on now (otherwise the first request does). */
  async logon(): Promise<void> {
    await this.#session.ensure();
  }

  async close(): Promise<void> {
    await this.#session.close();
  }

  /** A raw request with the session (escape hatch for callers and tests). */
  async request(req: TransportRequest): Promise<{ status: number; body?: DecodedBody }> {
    const res = await this.#session.request(req);
    return { status: res.status, body: res.body };
  }

  /** Runs a query and collects every page. */
  async query(query: Query, entity?: { singular: string; plural: string }) {
    return this.#query.all(query, entity);
  }

  // ---- tenants ----

  async listTenants(): Promise<CloudTenant[]> {
    const res = await this.#query.all(Query.type("CloudTenant").format("Entities"), CLOUD_TENANT);
    return this.shape("GET", "/query?type=CloudTenant", () => res.entities.map(parseCloudTenant));
  }

  async findTenantByName(name: string): Promise<CloudTenant | undefined> {
    const res = await this.#query.all(Query.type("CloudTenant").format("Entities").filter(where.eq("Name", name)), CLOUD_TENANT);
    const tenants = this.shape("GET", "/query?type=CloudTenant", () => res.entities.map(parseCloudTenant));
    return tenants.find((t) => t.name === name) ?? tenants.find((t) => t.name.toLowerCase() === name.toLowerCase());
  }

  async getTenant(id: string): Promise<CloudTenant | undefined> {
    const path = `/cloud/tenants/${seg(id)}`;
    const body = await this.getOrUndefined(path, { format: "Entity" });
    return body === undefined ? undefined : this.shape("GET", path, () => parseCloudTenant(this.node(body)));
  }

  // ---- subtenants ----

  async listSubtenants(filter: { tenantId?: string; name?: string } = {}): Promise<CloudSubtenant[]> {
    const parts = [];
    if (filter.tenantId !== undefined) parts.push(where.eq("CloudTenantUid", `urn:veeam:CloudTenant:${filter.tenantId}`));
    if (filter.name !== undefined) parts.push(where.eq("Name", filter.name));
    const q = Query.type("CloudSubtenant").format("Entities");
    if (parts.length > 0) q.filter(where.and(...parts));
    const res = await this.#query.all(q, CLOUD_SUBTENANT);
    return this.shape("GET", "/query?type=CloudSubtenant", () => res.entities.map((n) => parseCloudSubtenant(n)));
  }

  async getSubtenant(tenantId: string, subtenantId: string): Promise<CloudSubtenant | undefined> {
    const path = `/cloud/tenants/${seg(tenantId)}/subtenants/${seg(subtenantId)}`;
    const body = await this.getOrUndefined(path);
    return body === undefined ? undefined : this.shape("GET", path, () => parseCloudSubtenant(this.node(body), tenantId));
  }

  async createSubtenant(tenantId: string, spec: CloudSubtenantCreateSpec): Promise<TaskOutcome> {
    return this.runTask({ method: "POST", path: `/cloud/tenants/${seg(tenantId)}/subtenants`, body: cloudSubtenantCreateSpec(spec), expect: [202] }, "AddCloudSubtenant");
  }

  async editSubtenant(tenantId: string, subtenantId: string, spec: CloudSubtenantEditSpec): Promise<TaskOutcome> {
    return this.runTask({ method: "PUT", path: `/cloud/tenants/${seg(tenantId)}/subtenants/${seg(subtenantId)}`, body: cloudSubtenantEditSpec(spec), expect: [202] }, "EditCloudSubtenant");
  }

  /** Deletes a subtenant; one EM no longer has (404) counts as deleted. */
  async deleteSubtenant(tenantId: string, subtenantId: string): Promise<TaskOutcome> {
    try {
      return await this.runTask({ method: "DELETE", path: `/cloud/tenants/${seg(tenantId)}/subtenants/${seg(subtenantId)}`, expect: [202] }, "DeleteCloudSubtenant");
    } catch (err) {
      if (err instanceof EmApiError && err.status === 404) return { taskId: "", operation: "DeleteCloudSubtenant", message: "The subtenant does not exist (already deleted)" };
      throw err;
    }
  }

  // ---- accounts ----

  async listAccounts(): Promise<EntityRef[]> {
    const res = await this.#session.request({ method: "GET", path: "/security/accounts", expect: [200] });
    return this.shape("GET", "/security/accounts", () => parseEntityReferences(res.body?.body));
  }

  /** EM has no query type for accounts: lists them and matches the name case-insensitively. */
  async findAccountByName(name: string): Promise<EnterpriseAccount | undefined> {
    const refs = await this.listAccounts();
    const ref = refs.find((r) => r.name === name) ?? refs.find((r) => r.name.toLowerCase() === name.toLowerCase());
    return ref ? this.getAccount(ref.id) : undefined;
  }

  async getAccount(id: string): Promise<EnterpriseAccount | undefined> {
    const path = `/security/accounts/${seg(id)}`;
    const body = await this.getOrUndefined(path, { format: "Entity" });
    return body === undefined ? undefined : this.shape("GET", path, () => parseEnterpriseAccount(this.node(body)));
  }

  async createAccount(spec: EnterpriseAccountCreateSpec): Promise<void> {
    await this.#session.request({ method: "POST", path: "/security/accounts", body: enterpriseAccountCreateSpec({ ...spec, roles: spec.roles.map(roleUid) }), expect: [201, 204] });
  }

  /** Deletes an account; one EM no longer has (404) counts as deleted. */
  async deleteAccount(id: string): Promise<void> {
    await this.deleteTolerant(`/security/accounts/${seg(id)}`);
  }

  /** POST /security/accounts/{id} with no body flips AllowRestoreAllVms (EM's only way to change it). */
  async toggleAllowRestoreAllVms(id: string): Promise<void> {
    await this.#session.request({ method: "POST", path: `/security/accounts/${seg(id)}`, expect: [204, 200] });
  }

  async listAccountRoles(id: string): Promise<AccountRole[]> {
    const path = `/security/accounts/${seg(id)}/roles`;
    const res = await this.#session.request({ method: "GET", path, expect: [200] });
    return this.shape("GET", path, () => parseAccountRoles(res.body?.body));
  }

  /** Adds a role by UID (urn:veeam:EnterpriseRole:<guid>; a bare GUID is accepted too). */
  async addAccountRole(id: string, roleUidOrId: string): Promise<void> {
    await this.#session.request({ method: "POST", path: `/security/accounts/${seg(id)}/roles`, body: enterpriseAccountInRoleCreateSpec({ enterpriseRoleUid: roleUid(roleUidOrId) }), expect: [201, 204] });
  }

  async removeAccountRole(id: string, roleId: string): Promise<void> {
    await this.deleteTolerant(`/security/accounts/${seg(id)}/roles/${seg(roleId.replace(/^urn:veeam:EnterpriseRole:/i, ""))}`);
  }

  async listAccountScopes(id: string): Promise<AccountScope[]> {
    const path = `/security/accounts/${seg(id)}/scopes`;
    const res = await this.#session.request({ method: "GET", path, expect: [200] });
    return this.shape("GET", path, () => parseAccountScopes(res.body?.body));
  }

  /** EM's page says 202 in one place and shows 201 in its example; both are accepted (a 202 Task is awaited). */
  async addAccountScopes(id: string, scopeItems: Array<{ hierarchyObjRef?: string; objectName?: string }>): Promise<void> {
    const req: TransportRequest = { method: "POST", path: `/security/accounts/${seg(id)}/scopes`, body: hierarchyScopeCreateSpec({ items: scopeItems }), expect: [201, 202, 204] };
    const res = await this.#session.request(req);
    if (res.status === 202 && res.body) {
      const task = this.shape("POST", req.path as string, () => parseTask(res.body?.body));
      await this.#tasks.wait(task, res.generation, "AddHierarchyScope");
    }
  }

  async removeAccountScope(id: string, scopeId: string): Promise<void> {
    await this.deleteTolerant(`/security/accounts/${seg(id)}/scopes/${seg(scopeId)}`);
  }

  async listRoles(): Promise<EnterpriseRole[]> {
    const res = await this.#session.request({ method: "GET", path: "/security/roles", expect: [200] });
    return this.shape("GET", "/security/roles", () => parseRoles(res.body?.body));
  }

  // ---- helpers ----

  private async runTask(req: TransportRequest, operation: string): Promise<TaskOutcome> {
    const res = await this.#session.request(req);
    const task = this.shape(req.method, req.path ?? "", () => parseTask(res.body?.body));
    this.#onProgress?.(`EM accepted ${operation} as ${task.taskId}; waiting for it`);
    return this.#tasks.wait(task, res.generation, operation);
  }

  private async getOrUndefined(path: string, query?: Record<string, string>): Promise<unknown> {
    try {
      const res = await this.#session.request({ method: "GET", path, query, expect: [200] });
      return res.body?.body;
    } catch (err) {
      if (err instanceof EmApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  private async deleteTolerant(path: string): Promise<void> {
    try {
      await this.#session.request({ method: "DELETE", path, expect: [204, 200] });
    } catch (err) {
      if (!(err instanceof EmApiError) || err.status !== 404) throw err;
    }
  }

  private node(body: unknown) {
    const n = obj(body);
    if (!n) throw new ShapeError("the answer has no body");
    return n;
  }

  /** Runs a body reader, turning a missing-element failure into an EmApiError. */
  private shape<T>(method: string, path: string, read: () => T): T {
    try {
      return read();
    } catch (err) {
      if (!(err instanceof ShapeError)) throw err;
      throw new EmApiError({ kind: "parse", method, path, emMessage: `unexpected answer: ${err.message}` });
    }
  }
}

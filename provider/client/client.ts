/** EmClient: the facade the Pulumi resources use. It knows nothing of Pulumi. */
import { inspect } from "node:util";
import {
  type AccountRole,
  type AccountScope,
  type CloudSubtenant,
  type CloudSubtenantCreateSpec,
  type CloudSubtenantEditSpec,
  type CloudTenant,
  type CloudTenantCreateSpec,
  type CloudTenantEditSpec,
  type CloudTenantResource,
  type CloudTenantResourceCreateSpec,
  cloudTenantCreateSpec,
  cloudTenantEditSpec,
  cloudTenantResourceCreateSpec,
  parseRepositories,
  type Repository,
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
  parseCloudTenantResource,
  parseEnterpriseAccount,
  parseEnterpriseAccountList,
  parseEntityReferences,
  parseRoles,
  parseTask,
  ShapeError,
  obj,
  ANSWERS,
  ACCOUNT_URN,
  type Node,
  type AnswerShape,
  type Task,
} from "./codec";
import { EmApiError, isNotFound, EmCreatedUnreadableError, EmNameTakenError, EmOutcomeUnknownError, EmTaskFailedError, EmTaskLostError, outcomeUnknown, readAnswer, Redactor } from "./errors";
import { NAME_TAKEN, sendUntilApplied, TaskCreates } from "./settle";
import { type Clock, dispatchThenVerify, type PolicyName, pollUntil, REAL_CLOCK } from "./retry";
import { NameLookups, pickByName } from "./name-lookups";
import { accountNamesSurelySame, pickSameName } from "./name-rule";
import { Query, QUERY_ENTITIES, type QueryEntity, QueryRunner, where } from "./query";
import { ChangeLog, ChangeNotingSession, ChangeNotingTasks } from "./changes";
import type { SessionManager } from "./session";
import { type ConnectionSettings, type ResolvedSettings, resolveSettings } from "./settings";
import { DEFAULT_POLL_TIMING, type PollTiming, type TaskOutcome, type TaskWaiter } from "./tasks";
import { MAX_UNPAGED_LIST_BYTES, type TransportRequest } from "./request";
import { Transport } from "./transport";

export interface EmClientHooks {
  onWarning?(msg: string): void;
  onProgress?(msg: string): void;
  /**
   * The one clock the client's waits and deadlines read: retries, the request queue, Retry-After dates, session
   * renewals and task polls. The real one by default (tests inject theirs).
   */
  clock?: Clock;
  /** Task polling timing (tests); its sleep and now default to `clock`. */
  pollTiming?: Partial<PollTiming>;
}

export { UNKNOWN_OUTCOME_SENDS } from "./settle";

const { CloudTenant: CLOUD_TENANT, CloudSubtenant: CLOUD_SUBTENANT } = QUERY_ENTITIES;
/** The prefix of every EM role UID (`urn:veeam:EnterpriseRole:<GUID>`). */
export const ROLE_URN = "urn:veeam:EnterpriseRole:";

/** EM's object ids are GUIDs (or, for a few objects, names of letters, digits and - _ .); never a path step. */
function seg(id: string): string {
  if (typeof id !== "string" || id === "" || id === "." || id === ".." || !/^[A-Za-z0-9_.-]+$/.test(id)) {
    throw new TypeError(`an EM object id must be a GUID such as 28ddf9b9-12fa-431a-a34c-a327f05c3920, got ${JSON.stringify(id)}`);
  }
  return encodeURIComponent(id);
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const TENANT_ID_IN_LINK = /\/cloud\/tenants\/([0-9a-f-]{36})(?:\?|$)/i;
const RESOURCE_ID_IN_LINK = /\/cloud\/tenants\/([0-9a-f-]{36})\/resources\/([0-9a-f-]{36})/i;

/** Two UIDs of one kind (`urn:veeam:Repository:<guid>` or the bare GUID), compared without case. */
export function sameUid(a: string, b: string): boolean {
  const bare = (u: string) => u.replace(/^urn:veeam:[^:]+:/i, "").toLowerCase();
  return bare(a) === bare(b);
}

/** Whether a tenant's lease expiry (as EM has it) is the one an edit asks for: both absent, or the same instant. */
export function sameLease(inEm: string | undefined, wanted: string | undefined): boolean {
  if (inEm === undefined || wanted === undefined) return inEm === wanted;
  return Date.parse(inEm) === Date.parse(wanted);
}

/** Where a tenant differs from what an edit asked for ("" when it does not; the password cannot be seen). */
export function tenantDiffers(t: CloudTenant, want: CloudTenantEditSpec): string {
  const d: string[] = [];
  if (want.description !== undefined && t.description !== want.description) d.push("description");
  if (want.enabled !== undefined && t.enabled !== want.enabled) d.push("enabled");
  if (!sameLease(t.leaseExpiration, want.leaseExpiration)) d.push("lease");
  if (want.maxConcurrentTasks !== undefined && t.maxConcurrentTasks !== want.maxConcurrentTasks) d.push("max concurrent tasks");
  const th = want.throttling;
  if (th && (t.throttling?.enabled !== th.enabled || (th.speedLimit !== undefined && t.throttling?.speedLimit !== th.speedLimit) || (th.unit !== undefined && t.throttling?.unit !== th.unit))) d.push("throttling");
  for (const r of want.resources) {
    const now = t.resources.find((x) => x.id.toLowerCase() === r.id.toLowerCase());
    if (!now || now.quotaMb !== r.quotaMb || now.displayName !== r.displayName || !sameUid(now.repositoryUid, r.repositoryUid)) d.push(`backup resource ${r.displayName}`);
  }
  return d.join(", ");
}

/** Where a subtenant differs from what a create or edit asked for ("" when it does not). */
export function subtenantDiffers(s: CloudSubtenant, want: { description?: string; enabled?: boolean; unlimited?: boolean; tenantResourceId?: string; quotaMb?: number; quotaName?: string }): string {
  const d: string[] = [];
  if (want.description !== undefined && s.description !== want.description) d.push("description");
  if (want.enabled !== undefined && s.enabled !== want.enabled) d.push("enabled");
  if (want.unlimited !== undefined && s.quota.unlimited !== want.unlimited) d.push("unlimited quota");
  if (want.tenantResourceId !== undefined && s.quota.tenantResourceId.toLowerCase() !== want.tenantResourceId.toLowerCase()) d.push("quota resource");
  if (want.quotaMb !== undefined && !want.unlimited && s.quota.quotaMb !== want.quotaMb) d.push("quota size");
  if (want.quotaName !== undefined && s.quota.displayName !== want.quotaName) d.push("quota name");
  return d.join(", ");
}

/** The POST that creates a subtenant (it answers 202 with an AddCloudSubtenant task). */
function subtenantPost(tenantId: string, spec: CloudSubtenantCreateSpec): TransportRequest {
  return { method: "POST", path: `/cloud/tenants/${seg(tenantId)}/subtenants`, body: cloudSubtenantCreateSpec(spec), expect: [202] };
}

function roleUid(value: string): string {
  return /^urn:/i.test(value) ? value : ROLE_URN + value;
}

/** An account EM has just created (201 with its Location) from `spec`: what it holds, without reading it back. */
function createdAccount(id: string, spec: EnterpriseAccountCreateSpec): EnterpriseAccount {
  return {
    id,
    uid: ACCOUNT_URN + id,
    name: spec.accountName,
    accountType: spec.accountType,
    allowRestoreAllVms: spec.allowRestoreAllVms,
    ...(spec.flrSettings && { flrSettings: spec.flrSettings }),
    ...(spec.sqlSettings && { sqlSettings: spec.sqlSettings }),
  };
}

export class EmClient {
  readonly #settings: ResolvedSettings;
  readonly #transport: Transport;
  readonly #session: SessionManager;
  readonly #tasks: TaskWaiter;
  readonly #query: QueryRunner;
  /** Look-ups of new subtenants by name, shared by creates that finish together. */
  readonly #newSubtenants: NameLookups;
  readonly #onProgress?: (msg: string) => void;
  /** Masks every password a request body of this client carried (and the logon's header), in every error it gives. */
  readonly #redactor = new Redactor();
  /** Creates that start a task, settled by proof (settle.ts); it also counts the tasks runTask is told of. */
  readonly #creates: TaskCreates;
  /** Changes made through this client, counted as they end (changes.ts). */
  readonly #changes = new ChangeLog();

  constructor(settings: ConnectionSettings, hooks: EmClientHooks = {}) {
    this.#settings = resolveSettings(settings);
    this.#onProgress = hooks.onProgress;
    // An administrator's password travels only in the Basic Authorization header, which EM never echoes (the
    // session manager masks that header's value). Masking it as plain text would only blank out, and so give away,
    // an ordinary word of EM's messages that happens to be the password. A tenant's travels in a body: masked.
    if (this.#settings.credentials.kind !== "admin") this.#redactor.add(this.#settings.credentials.password);
    const clock = hooks.clock ?? REAL_CLOCK;
    this.#transport = new Transport(this.#settings, this.#redactor, { onWarning: hooks.onWarning, onRetry: hooks.onProgress, clock });
    this.#session = new ChangeNotingSession(this.#changes, this.#transport, this.#settings, hooks.onProgress);
    this.#tasks = new ChangeNotingTasks(this.#changes, this.#session, this.#settings.taskTimeoutMs, { ...DEFAULT_POLL_TIMING, sleep: (ms, signal) => clock.sleep(ms, signal), now: () => clock.now(), ...hooks.pollTiming }, hooks.onProgress);
    this.#query = new QueryRunner(this.#session);
    this.#creates = new TaskCreates({ session: this.#session, tasks: this.#tasks, redactor: this.#redactor, taskTimeoutMs: this.#settings.taskTimeoutMs, onProgress: hooks.onProgress });
    this.#newSubtenants = new NameLookups(this);
  }

  /** EM's REST base URL as used (always ending in /api/). */
  get baseUrl(): string {
    return this.#settings.baseUrl;
  }

  /** The client's one clock (EmClientHooks.clock, else the real one): whatever waits or ages for it reads this. */
  get clock(): Clock {
    return this.#transport.clock;
  }

  /** How many changes made through this client have ended: reads held for a while are current while it holds. */
  get changesEnded(): number {
    return this.#changes.ended;
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
    try {
      await this.#session.close();
    } finally {
      this.#transport.close();
    }
  }

  /** A raw request with the session (escape hatch for callers and tests). */
  async request(req: TransportRequest): Promise<{ status: number; body?: DecodedBody }> {
    const res = await this.#session.request(req);
    return { status: res.status, body: res.body };
  }

  /** Runs a query and collects every page. */
  async query(query: Query, entity?: QueryEntity) {
    return this.#query.all(query, entity);
  }

  /** One page of a query's entities, each taken by `take` (QueryRunner.entities). */
  async queryPage<T>(query: Query, entity: QueryEntity, take: (n: Node) => T, policy?: PolicyName) {
    return this.#query.entities(query, entity, take, policy);
  }

  // ---- tenants ----

  async listTenants(): Promise<CloudTenant[]> {
    const res = await this.#query.all(Query.type("CloudTenant").format("Entities"), CLOUD_TENANT);
    return readAnswer("GET", "/query?type=CloudTenant", () => res.entities.map(parseCloudTenant));
  }

  async findTenantByName(name: string): Promise<CloudTenant | undefined> {
    const res = await this.#query.all(Query.type("CloudTenant").format("Entities").filter(where.eq("Name", name)), CLOUD_TENANT);
    const tenants = readAnswer("GET", "/query?type=CloudTenant", () => res.entities.map(parseCloudTenant));
    return pickSameName(tenants, name, (t) => t.name, "cloud tenant");
  }

  async getTenant(id: string): Promise<CloudTenant | undefined> {
    const path = `/cloud/tenants/${seg(id)}`;
    const body = await this.getOrUndefined(path, ANSWERS.CloudTenant, { format: "Entity" });
    return body === undefined ? undefined : readAnswer("GET", path, () => parseCloudTenant(this.node(body)));
  }

  /** One backup resource (get_tenants_id_resources_id), which reports its UsedQuota; undefined when EM has none. */
  async getTenantResource(tenantId: string, resourceId: string): Promise<CloudTenantResource | undefined> {
    const path = `/cloud/tenants/${seg(tenantId)}/resources/${seg(resourceId)}`;
    const body = await this.getOrUndefined(path, ANSWERS.CloudTenantResource);
    return body === undefined ? undefined : readAnswer("GET", path, () => parseCloudTenantResource(this.node(body)));
  }

  // ---- tenant writes: tenants, their backup resources, and the backup servers and repositories they name ----

  async listBackupServers(): Promise<EntityRef[]> {
    const res = await this.#session.request({ method: "GET", path: "/backupServers", expect: [200], answer: ANSWERS.EntityReferences });
    return readAnswer("GET", "/backupServers", () => parseEntityReferences(res.body?.body));
  }

  async listRepositories(): Promise<Repository[]> {
    const res = await this.#session.request({ method: "GET", path: "/repositories", expect: [200], answer: ANSWERS.EntityReferences });
    return readAnswer("GET", "/repositories", () => parseRepositories(res.body?.body));
  }

  /**
   * Creates a standalone tenant and returns it as EM has it, named by the Related link of this request's own task
   * (create-proof.ts), never by a same-named tenant: that proves nothing (another stack may have made it). EM's
   * task saying the name is taken is an EmNameTakenError; an outcome nothing proves is an EmOutcomeUnknownError.
   */
  async createTenant(spec: CloudTenantCreateSpec): Promise<CloudTenant> {
    this.#redactor.add(spec.password);
    const names = (task: Task) => task.related !== undefined && (task.related.name ?? "").toLowerCase() === spec.name.toLowerCase();
    const task = await this.#creates.createByTask({ method: "POST", path: "/cloud/tenants", body: cloudTenantCreateSpec(spec), expect: [202] }, "CreateCloudTenant", "tenant", spec.name, names);
    return this.relatedTenant(task, spec.name);
  }

  /**
   * Edits a tenant with the whole CloudTenant (TenantType always sent; every backup resource listed, so quota
   * changes ride the same PUT). Safe to send again: after an unknown outcome the tenant is read back, and the edit
   * is done when EM shows what was asked (a password cannot be seen, so an edit with one is sent again).
   */
  async editTenant(tenantId: string, spec: CloudTenantEditSpec): Promise<TaskOutcome> {
    this.#redactor.add(spec.password);
    const path = `/cloud/tenants/${seg(tenantId)}`;
    const href = spec.href ?? this.#transport.resolveUrl({ path, query: { format: "Entity" } }).toString();
    const send = () => this.runTask({ method: "PUT", path, body: cloudTenantEditSpec({ ...spec, href, uid: spec.uid ?? `urn:veeam:CloudTenant:${tenantId}` }), expect: [202], safeToResend: true }, "EditCloudTenant");
    const applied = async (): Promise<TaskOutcome | undefined> => {
      const now = await this.getTenant(tenantId);
      if (!now) throw new EmApiError({ kind: "http", method: "PUT", path, status: 404, fromEm: true, emMessage: "the tenant no longer exists", hint: "It was deleted outside this stack; run 'pulumi refresh' to drop it from the stack" });
      if (spec.password || tenantDiffers(now, spec)) return undefined;
      return { taskId: "", operation: "EditCloudTenant", message: "verified by reading the tenant after its task was lost" };
    };
    return sendUntilApplied(send, applied, this.#onProgress);
  }

  /**
   * Deletes a tenant. Its backups are deleted with it only when `includeBackups` is true, which only an explicit
   * caller choice may set; otherwise no includeBackups parameter is sent and EM keeps them. A tenant EM no longer
   * has (404) counts as deleted; after an unknown outcome the tenant is looked for until the task deadline.
   */
  async deleteTenant(tenantId: string, options: { includeBackups?: boolean } = {}): Promise<TaskOutcome> {
    const path = `/cloud/tenants/${seg(tenantId)}`;
    const query = options.includeBackups === true ? { includeBackups: "true" } : undefined;
    const gone: TaskOutcome = { taskId: "", operation: "DeleteCloudTenant", message: "The tenant does not exist (already deleted)" };
    const send = async () => {
      try {
        return await this.runTask({ method: "DELETE", path, query, expect: [202] }, "DeleteCloudTenant");
      } catch (err) {
        if (isNotFound(err)) return gone;
        throw err;
      }
    };
    const applied = async () => (await pollUntil(async () => ((await this.getTenant(tenantId)) === undefined ? gone : undefined), this.#tasks.poll)) ?? undefined;
    return sendUntilApplied(send, applied, this.#onProgress);
  }

  /**
   * Adds a backup resource (a quota on a repository) to a tenant and returns it as EM has it. Its task proves the
   * add (create-proof.ts); the resource is then the one its Related link names or, after a lost answer, the
   * tenant's quota on that repository (EM holds at most one per repository, and this request made it).
   */
  async addTenantResource(tenantId: string, spec: CloudTenantResourceCreateSpec): Promise<CloudTenantResource> {
    const label = `${spec.name} (tenant ${tenantId})`;
    const task = await this.#creates.createByTask({ method: "POST", path: `/cloud/tenants/${seg(tenantId)}/resources`, body: cloudTenantResourceCreateSpec(spec), expect: [202] }, "CreateCloudTenantResource", "backup resource", label);
    let found: CloudTenantResource | undefined;
    try {
      found = await this.relatedResource(tenantId, task.related?.href, spec.repositoryUid);
    } catch (err) {
      throw new EmCreatedUnreadableError("backup resource", label, `reading it back failed (${(err as Error).message})`, { cause: err });
    }
    if (!found) throw new EmCreatedUnreadableError("backup resource", label, "the tenant shows no quota on that repository");
    return found;
  }

  /** Removes a backup resource; one EM no longer has counts as removed. Unknown outcomes are settled by looking. */
  async deleteTenantResource(tenantId: string, resourceId: string): Promise<TaskOutcome> {
    const path = `/cloud/tenants/${seg(tenantId)}/resources/${seg(resourceId)}`;
    const gone: TaskOutcome = { taskId: "", operation: "DeleteCloudTenantResource", message: "The backup resource does not exist (already removed)" };
    const send = async () => {
      try {
        return await this.runTask({ method: "DELETE", path, expect: [202] }, "DeleteCloudTenantResource");
      } catch (err) {
        if (isNotFound(err)) return gone;
        throw err;
      }
    };
    const stillThere = async () => (await this.getTenant(tenantId))?.resources.some((r) => r.id.toLowerCase() === resourceId.toLowerCase()) ?? false;
    const applied = async () => (await pollUntil(async () => ((await stillThere()) ? undefined : gone), this.#tasks.poll)) ?? undefined;
    return sendUntilApplied(send, applied, this.#onProgress);
  }

  /** The tenant a finished create's Related link names (`…/cloud/tenants/{id}?format=Entity`). */
  private async relatedTenant(task: Task, name: string): Promise<CloudTenant> {
    const id = task.related && TENANT_ID_IN_LINK.exec(task.related.href)?.[1];
    let tenant: CloudTenant | undefined;
    try {
      // No Related link, no tenant: a look-up by name could find another backup server's tenant of that name.
      tenant = id ? await this.getTenant(id) : undefined;
    } catch (err) {
      throw new EmCreatedUnreadableError("tenant", name, `reading it back failed (${(err as Error).message})`, { cause: err });
    }
    if (!tenant) throw new EmCreatedUnreadableError("tenant", name, `its task's Related link (${task.related?.href ?? "none"}) does not lead to it`);
    return tenant;
  }

  /**
   * This tenant's quota on `repositoryUid`, once a task proved it was added: the one a Related link names, else the
   * one on that repository (EM holds at most one per repository; after a lost answer the claimed task may be
   * another add's of the same run).
   */
  private async relatedResource(tenantId: string, href: string | undefined, repositoryUid: string): Promise<CloudTenantResource | undefined> {
    const m = href ? RESOURCE_ID_IN_LINK.exec(href) : null;
    const tenant = await this.getTenant(tenantId);
    const onRepository = tenant?.resources.filter((r) => sameUid(r.repositoryUid, repositoryUid)) ?? [];
    const linked = m && m[1].toLowerCase() === tenantId.toLowerCase() ? onRepository.find((r) => r.id.toLowerCase() === m[2].toLowerCase()) : undefined;
    return linked ?? onRepository[0];
  }

  // ---- subtenants ----

  async listSubtenants(filter: { tenantId?: string; name?: string } = {}): Promise<CloudSubtenant[]> {
    const parts = [];
    if (filter.tenantId !== undefined) parts.push(where.eq("CloudTenantUid", `urn:veeam:CloudTenant:${filter.tenantId}`));
    if (filter.name !== undefined) parts.push(where.eq("Name", filter.name));
    const q = Query.type("CloudSubtenant").format("Entities");
    if (parts.length > 0) q.filter(where.and(...parts));
    const res = await this.#query.all(q, CLOUD_SUBTENANT);
    return readAnswer("GET", "/query?type=CloudSubtenant", () => res.entities.map((n) => parseCloudSubtenant(n)));
  }

  async getSubtenant(tenantId: string, subtenantId: string): Promise<CloudSubtenant | undefined> {
    const path = `/cloud/tenants/${seg(tenantId)}/subtenants/${seg(subtenantId)}`;
    const body = await this.getOrUndefined(path, ANSWERS.CloudSubtenant);
    return body === undefined ? undefined : readAnswer("GET", path, () => parseCloudSubtenant(this.node(body), tenantId));
  }

  /** The subtenant of that name by the name rule (name-rule.ts), or undefined. */
  async findSubtenantByName(tenantId: string, name: string): Promise<CloudSubtenant | undefined> {
    return pickByName(await this.listSubtenants({ tenantId, name }), tenantId, name);
  }

  /**
   * Creates a subtenant and returns it as EM has it. Never deletes or changes anything, and binds the subtenant
   * only with proof that this request made it (create-proof.ts): its task, which EM reports, finished with success.
   * - EM's task says the name is taken → EmNameTakenError (the object is someone else's);
   * - nothing proves what became of the request → EmOutcomeUnknownError, whatever EM holds under that name;
   * - it was created but cannot be read back → EmCreatedUnreadableError (it is this stack's).
   * The caller must have checked that no subtenant of that name existed before.
   */
  async addSubtenant(tenantId: string, spec: CloudSubtenantCreateSpec): Promise<CloudSubtenant> {
    this.#redactor.add(spec.password);
    await this.#creates.createByTask(subtenantPost(tenantId, spec), "AddCloudSubtenant", "subtenant", spec.name);
    // EM's task does not carry the new subtenant's id: it comes from a look-up by name (EM refuses a second
    // subtenant of that name, so the one there is this task's), shared with creates that finished at the same moment.
    let created: CloudSubtenant | undefined;
    try {
      created = await pollUntil(() => this.#newSubtenants.find(tenantId, spec.name), { ...this.#tasks.poll, timeoutMs: Math.min(this.#tasks.poll.timeoutMs, this.#settings.requestTimeoutMs) });
    } catch (err) {
      throw new EmCreatedUnreadableError("subtenant", spec.name, `reading it back failed (${(err as Error).message})`, { cause: err });
    }
    if (!created) throw new EmCreatedUnreadableError("subtenant", spec.name, "no subtenant of that name can be found");
    return created;
  }

  /** One POST of a subtenant and a wait for its task, with no settling of a lost answer (tests, bench). */
  async createSubtenant(tenantId: string, spec: CloudSubtenantCreateSpec): Promise<TaskOutcome> {
    this.#redactor.add(spec.password);
    return this.runTask(subtenantPost(tenantId, spec), "AddCloudSubtenant");
  }

  /**
   * Edits a subtenant (PUT of the CloudSubtenant with its Href, Type and Id, as EM's example does). When the
   * outcome is unknown (the answer or the task was lost, e.g. EM forgot the session that started the task), the
   * subtenant is read back: if it shows what was asked (and no password was sent, which EM never shows), the edit is
   * done; otherwise it is sent again (an edit of the whole object is safe to repeat), at most UNKNOWN_OUTCOME_SENDS
   * times in all.
   */
  async editSubtenant(tenantId: string, subtenantId: string, spec: CloudSubtenantEditSpec): Promise<TaskOutcome> {
    this.#redactor.add(spec.password);
    const path = `/cloud/tenants/${seg(tenantId)}/subtenants/${seg(subtenantId)}`;
    const href = spec.href ?? this.#transport.resolveUrl({ path }).toString();
    // An edit of the whole object: safe to send again, so it rides a kept-alive connection (reusesConnection).
    const send = () => this.runTask({ method: "PUT", path, body: cloudSubtenantEditSpec({ ...spec, href, id: spec.id ?? subtenantId }), expect: [202], safeToResend: true }, "EditCloudSubtenant");
    const q = spec.repositoryQuota;
    const want = { description: spec.description, enabled: spec.enabled, unlimited: q?.unlimited, tenantResourceId: q?.tenantResourceId, quotaMb: q?.quotaMb, quotaName: q?.displayName };
    const applied = async (): Promise<TaskOutcome | undefined> => {
      const now = await this.getSubtenant(tenantId, subtenantId);
      if (!now) throw new EmApiError({ kind: "http", method: "PUT", path, status: 404, fromEm: true, emMessage: "the subtenant no longer exists", hint: "It was deleted outside this stack; run 'pulumi refresh' to drop it from the stack, then 'pulumi up' to create it again" });
      if (spec.password || subtenantDiffers(now, want)) return undefined;
      return { taskId: "", operation: "EditCloudSubtenant", message: "verified by reading the subtenant after its task was lost" };
    };
    return sendUntilApplied(send, applied, this.#onProgress);
  }

  /**
   * Deletes a subtenant; one EM no longer has (404) counts as deleted. When the outcome is unknown, the subtenant
   * is looked for until the task deadline: gone means deleted; still there means the delete was not applied, and it
   * is sent again (at most UNKNOWN_OUTCOME_SENDS times in all).
   */
  async deleteSubtenant(tenantId: string, subtenantId: string): Promise<TaskOutcome> {
    const gone: TaskOutcome = { taskId: "", operation: "DeleteCloudSubtenant", message: "The subtenant does not exist (already deleted)" };
    const send = async () => {
      try {
        return await this.runTask({ method: "DELETE", path: `/cloud/tenants/${seg(tenantId)}/subtenants/${seg(subtenantId)}`, expect: [202] }, "DeleteCloudSubtenant");
      } catch (err) {
        if (isNotFound(err)) return gone;
        throw err;
      }
    };
    const applied = async () => ((await pollUntil(async () => ((await this.getSubtenant(tenantId, subtenantId)) === undefined ? gone : undefined), this.#tasks.poll)) ?? undefined);
    return sendUntilApplied(send, applied, this.#onProgress);
  }

  // ---- accounts ----

  async listAccounts(): Promise<EntityRef[]> {
    const res = await this.#session.request({ method: "GET", path: "/security/accounts", expect: [200], answer: ANSWERS.EntityReferences, maxAnswerBytes: MAX_UNPAGED_LIST_BYTES });
    return readAnswer("GET", "/security/accounts", () => parseEntityReferences(res.body?.body));
  }

  /** Every account as an entity, in one request (GET /security/accounts?format=Entity: EnterpriseAccountList). */
  async listAccountEntities(): Promise<EnterpriseAccount[]> {
    const res = await this.#session.request({ method: "GET", path: "/security/accounts", query: { format: "Entity" }, expect: [200], answer: ANSWERS.EnterpriseAccounts, maxAnswerBytes: MAX_UNPAGED_LIST_BYTES });
    return readAnswer("GET", "/security/accounts?format=Entity", () => parseEnterpriseAccountList(res.body?.body));
  }

  /** EM has no query type for accounts: lists them and matches the name by the name rule (name-rule.ts). */
  async findAccountByName(name: string): Promise<EnterpriseAccount | undefined> {
    const refs = await this.listAccounts();
    const ref = pickSameName(refs, name, (r) => r.name, "account", accountNamesSurelySame);
    return ref ? this.getAccount(ref.id) : undefined;
  }

  async getAccount(id: string): Promise<EnterpriseAccount | undefined> {
    const path = `/security/accounts/${seg(id)}`;
    const body = await this.getOrUndefined(path, ANSWERS.EnterpriseAccount, { format: "Entity" });
    return body === undefined ? undefined : readAnswer("GET", path, () => parseEnterpriseAccount(this.node(body)));
  }

  async createAccount(spec: EnterpriseAccountCreateSpec): Promise<void> {
    await this.#session.request({ method: "POST", path: "/security/accounts", body: enterpriseAccountCreateSpec({ ...spec, roles: spec.roles.map(roleUid) }), expect: [201, 204] });
  }

  /**
   * Creates an account and returns it as EM has it. EM refusing the name (it exists) is an EmNameTakenError. EM
   * creates an account before it answers (201, no task), so its answer is the only proof that this request made
   * it: with the id from Location the account is returned as created from the spec, without reading it back (the
   * next refresh reads EM's own values); a success without Location is settled by the name (EM refuses a second
   * account of that name). A lost answer is settled by EM's account list: no account of that name means EM did
   * not apply the POST, which is then sent once more; one of that name proves nothing (another stack may have made
   * it at the same moment), so the outcome is unknown (EmOutcomeUnknownError) and nothing is written to it.
   */
  async addAccount(spec: EnterpriseAccountCreateSpec): Promise<EnterpriseAccount> {
    let id: string | undefined;
    for (let sends = 1; ; sends++) {
      try {
        const res = await this.#session.request({ method: "POST", path: "/security/accounts", body: enterpriseAccountCreateSpec({ ...spec, roles: spec.roles.map(roleUid) }), expect: [201, 204] });
        id = /\/security\/accounts\/([0-9a-f-]{36})/i.exec(res.headers.location ?? "")?.[1];
        break;
      } catch (err) {
        if (err instanceof EmApiError && (err.status === 400 || err.status === 409) && NAME_TAKEN.test(err.emMessage ?? "")) throw new EmNameTakenError("account", spec.accountName, err.emMessage ?? "");
        if (!outcomeUnknown(err)) throw err;
        let found: EnterpriseAccount | undefined;
        try {
          found = await this.findAccountByName(spec.accountName);
        } catch (lookErr) {
          throw new EmOutcomeUnknownError("account", spec.accountName, `${(err as Error).message}; EM's account list could not be read afterwards (${(lookErr as Error).message})`, { cause: err });
        }
        if (found) {
          throw new EmOutcomeUnknownError("account", spec.accountName, `${(err as Error).message}; an account of that name (id ${found.id}, type ${found.accountType}) exists now, but nothing shows that this request made it: another stack or a person may have created it at the same moment`, { cause: err });
        }
        if (sends >= 2) throw err;
        this.#onProgress?.(`The answer to creating account '${spec.accountName}' was lost and EM has no such account; sending it again`);
      }
    }
    if (id) return createdAccount(id, spec);
    const created = await this.findAccountByName(spec.accountName).catch((err: unknown) => {
      throw new EmCreatedUnreadableError("account", spec.accountName, `reading it back failed (${(err as Error).message})`, { cause: err });
    });
    if (created) return created;
    throw new EmCreatedUnreadableError("account", spec.accountName, "EM answered the create as successful, but no account of that name can be found");
  }

  /** Sets AllowRestoreAllVms (EM can only toggle it): reads first, and after a lost toggle answer reads again. */
  async setAllowRestoreAllVms(id: string, wanted: boolean): Promise<void> {
    const current = await this.getAccount(id);
    if (!current) throw new EmApiError({ kind: "http", method: "GET", path: `/security/accounts/${seg(id)}`, status: 404, fromEm: true, emMessage: "the account no longer exists" });
    if (current.allowRestoreAllVms === wanted) return;
    try {
      await this.toggleAllowRestoreAllVms(id);
    } catch (err) {
      if (!outcomeUnknown(err)) throw err;
      const after = await this.getAccount(id);
      if (after?.allowRestoreAllVms === wanted) return;
      // EM applies the toggle before it answers: unchanged means it was not applied.
      await this.toggleAllowRestoreAllVms(id);
    }
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
    const res = await this.#session.request({ method: "GET", path, expect: [200], answer: ANSWERS.EnterpriseAccountInRoles });
    return readAnswer("GET", path, () => parseAccountRoles(res.body?.body));
  }

  /** Adds a role by UID (urn:veeam:EnterpriseRole:<guid>; a bare GUID is accepted too). */
  async addAccountRole(id: string, roleUidOrId: string): Promise<void> {
    const uid = roleUid(roleUidOrId);
    const guid = uid.replace(/^urn:veeam:EnterpriseRole:/i, "").toLowerCase();
    const send = async () => {
      await this.#session.request({ method: "POST", path: `/security/accounts/${seg(id)}/roles`, body: enterpriseAccountInRoleCreateSpec({ enterpriseRoleUid: uid }), expect: [201, 204] });
      return true;
    };
    // After a lost answer the role list tells whether EM added it (EM adds it before answering).
    const verify = async () => ((await this.listAccountRoles(id)).some((r) => r.roleId.toLowerCase() === guid) ? true : undefined);
    try {
      await dispatchThenVerify(send, verify, { ...this.#tasks.poll, timeoutMs: 0 });
    } catch (err) {
      if (outcomeUnknown(err)) await send();
      else throw err;
    }
  }

  async removeAccountRole(id: string, roleId: string): Promise<void> {
    await this.deleteTolerant(`/security/accounts/${seg(id)}/roles/${seg(roleId.replace(/^urn:veeam:EnterpriseRole:/i, ""))}`);
  }

  async listAccountScopes(id: string): Promise<AccountScope[]> {
    const path = `/security/accounts/${seg(id)}/scopes`;
    const res = await this.#session.request({ method: "GET", path, expect: [200], answer: ANSWERS.EnterpriseAccountHierarchyScopes });
    return readAnswer("GET", path, () => parseAccountScopes(res.body?.body));
  }

  /** EM's page says 202 in one place and shows 201 in its example; both are accepted (a 202 Task is awaited). */
  async addAccountScopes(id: string, scopeItems: Array<{ hierarchyObjRef?: string; objectName?: string }>): Promise<void> {
    const req: TransportRequest = { method: "POST", path: `/security/accounts/${seg(id)}/scopes`, body: hierarchyScopeCreateSpec({ items: scopeItems }), expect: [201, 202, 204] };
    const res = await this.#session.request(req);
    if (res.status === 202 && res.body) {
      const task = readAnswer("POST", req.path as string, () => parseTask(res.body?.body));
      await this.#tasks.wait(task, res.generation, "AddHierarchyScope");
    }
  }

  async removeAccountScope(id: string, scopeId: string): Promise<void> {
    await this.deleteTolerant(`/security/accounts/${seg(id)}/scopes/${seg(scopeId)}`);
  }

  async listRoles(): Promise<EnterpriseRole[]> {
    const res = await this.#session.request({ method: "GET", path: "/security/roles", expect: [200], answer: ANSWERS.EntityReferences });
    return readAnswer("GET", "/security/roles", () => parseRoles(res.body?.body));
  }

  // ---- helpers ----

  private async runTask(req: TransportRequest, operation: string): Promise<TaskOutcome> {
    const res = await this.#session.request({ ...req, answer: ANSWERS.Task });
    const task = readAnswer(req.method, req.path ?? "", () => parseTask(res.body?.body));
    this.#creates.know(res.generation, task.taskId);
    this.#onProgress?.(`EM accepted ${operation} as ${task.taskId}; waiting for it`);
    try {
      return await this.#tasks.wait(task, res.generation, operation);
    } catch (err) {
      // EM's words, which may quote what the request carried (a password).
      if (err instanceof EmTaskFailedError) throw new EmTaskFailedError(err.operation, this.#redactor.apply(err.emMessage), err.taskUrl);
      // EM took the request; a poll that keeps failing (after its retries) leaves the outcome unknown, not failed.
      if (err instanceof EmApiError) throw new EmTaskLostError(operation, task.href || task.taskId, `polling it failed (${err.message})`, { cause: err });
      throw err;
    }
  }

  /** The body of a GET; undefined only when EM itself answered 404 with its Error document. */
  private async getOrUndefined(path: string, answer: AnswerShape, query?: Record<string, string>): Promise<unknown> {
    try {
      const res = await this.#session.request({ method: "GET", path, query, expect: [200], answer });
      return res.body?.body;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private async deleteTolerant(path: string): Promise<void> {
    try {
      await this.#session.request({ method: "DELETE", path, expect: [204, 200] });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private node(body: unknown) {
    const n = obj(body);
    if (!n) throw new ShapeError("the answer has no body");
    return n;
  }
}

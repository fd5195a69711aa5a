/**
 * Checks a seed (the --seed file or an object handed to startEmulator) before the emulator starts: every key known,
 * every value of the right type, every reference pointing at an object the seed holds. Each problem names its path,
 * e.g. `tenants[0].resources[1].quotaMb: expected a whole number, got "lots"`.
 */
type Shape =
  | { kind: "string" }
  | { kind: "boolean" }
  | { kind: "int"; min?: number }
  | { kind: "enum"; values: readonly string[] }
  | { kind: "array"; of: Shape }
  | { kind: "object"; fields: Record<string, Field> };

interface Field {
  shape: Shape;
  required: boolean;
}

const str: Shape = { kind: "string" };
const bool: Shape = { kind: "boolean" };
const count: Shape = { kind: "int", min: 0 };
const req = (shape: Shape): Field => ({ shape, required: true });
const opt = (shape: Shape): Field => ({ shape, required: false });
const obj = (fields: Record<string, Field>): Shape => ({ kind: "object", fields: { $comment: opt(str), ...fields } });
const list = (of: Shape): Shape => ({ kind: "array", of });

const SEED: Shape = obj({
  backupServers: opt(list(obj({ id: req(str), name: req(str) }))),
  repositories: opt(list(obj({ id: req(str), name: req(str), backupServerId: req(str), retainedBackups: opt(list(obj({ tenantName: req(str), usedMb: req(count) }))) }))),
  tenants: opt(
    list(
      obj({
        id: req(str),
        name: req(str),
        description: opt(str),
        enabled: req(bool),
        type: req({ kind: "enum", values: ["Standalone", "ActiveDirectory", "vCD"] }),
        backupServerId: req(str),
        password: opt(str),
        domainName: opt(str),
        domainAccount: opt(str),
        vcdOrganization: opt(obj({ name: req(str), users: req(list(obj({ login: req(str), password: req(str) }))) })),
        resources: opt(
          list(obj({ id: req(str), displayName: req(str), repositoryUid: req(str), wanAcceleratorUid: opt(str), quotaMb: req(count), usedQuotaMb: req(count) })),
        ),
        maxConcurrentTasks: opt({ kind: "int", min: 1 }),
        throttling: opt(obj({ enabled: req(bool), speedLimitMbps: req({ kind: "int", min: 1 }), unit: opt({ kind: "enum", values: ["Mbps", "KBps", "MBps"] }) })),
        leaseExpiration: opt(str),
        backupProtectionDays: opt({ kind: "int", min: 1 }),
      }),
    ),
  ),
  subtenants: opt(
    list(
      obj({
        id: req(str),
        tenantId: req(str),
        name: req(str),
        description: req(str),
        password: req(str),
        enabled: req(bool),
        quota: req(obj({ unlimited: req(bool), displayName: req(str), tenantResourceId: req(str), quotaMb: req(count), usedQuotaMb: req(count), quotaId: req(str) })),
      }),
    ),
  ),
  roles: opt(list(obj({ id: req(str), name: req(str) }))),
  accounts: opt(
    list(
      obj({
        id: req(str),
        type: req({ kind: "enum", values: ["User", "Group", "ExternalUser", "ExternalGroup"] }),
        name: req(str),
        roleIds: opt(list(str)),
        allowRestoreAllVms: req(bool),
        scope: opt(list(obj({ id: req(str), hierarchyObjRef: req(str), objectName: req(str) }))),
        flr: opt(obj({ inplaceOnly: req(bool), extensions: opt(str) })),
        sql: opt(obj({ denyInPlaceRestore: req(bool) })),
      }),
    ),
  ),
  cloudFailoverPlans: opt(list(obj({ id: req(str), tenantId: req(str), name: req(str), description: req(str), failedOver: opt(bool) }))),
  sessions: opt(list(obj({ id: req(str), token: req(str), userName: req(str), kind: req({ kind: "enum", values: ["admin", "tenant"] }), tenantId: opt(str) }))),
});

function describe(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}

function checkShape(value: unknown, shape: Shape, path: string, problems: string[]): void {
  switch (shape.kind) {
    case "string":
      if (typeof value !== "string") problems.push(`${path}: expected a string, got ${describe(value)}`);
      return;
    case "boolean":
      if (typeof value !== "boolean") problems.push(`${path}: expected true or false, got ${describe(value)}`);
      return;
    case "int":
      if (typeof value !== "number" || !Number.isInteger(value)) problems.push(`${path}: expected a whole number, got ${describe(value)}`);
      else if (shape.min !== undefined && value < shape.min) problems.push(`${path}: expected at least ${shape.min}, got ${value}`);
      return;
    case "enum":
      if (typeof value !== "string" || !shape.values.includes(value)) problems.push(`${path}: expected one of ${shape.values.join(", ")}, got ${describe(value)}`);
      return;
    case "array":
      if (!Array.isArray(value)) problems.push(`${path}: expected a list, got ${describe(value)}`);
      else value.forEach((item, i) => checkShape(item, shape.of, `${path}[${i}]`, problems));
      return;
    case "object": {
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        problems.push(`${path || "the seed"}: expected an object, got ${describe(value)}`);
        return;
      }
      const record = value as Record<string, unknown>;
      const at = (key: string) => (path ? `${path}.${key}` : key);
      for (const key of Object.keys(record)) {
        if (!(key in shape.fields)) problems.push(`${at(key)}: unknown key; known keys here: ${Object.keys(shape.fields).filter((k) => k !== "$comment").join(", ")}`);
      }
      for (const [key, field] of Object.entries(shape.fields)) {
        if (record[key] === undefined) {
          if (field.required) problems.push(`${at(key)}: missing`);
        } else {
          checkShape(record[key], field.shape, at(key), problems);
        }
      }
    }
  }
}

type Seedish = {
  backupServers?: Array<{ id: string }>;
  repositories?: Array<{ id: string; backupServerId: string }>;
  tenants?: Array<{ id: string; backupServerId: string; resources?: Array<{ id: string }> }>;
  subtenants?: Array<{ tenantId: string; quota: { tenantResourceId: string } }>;
  roles?: Array<{ id: string }>;
  accounts?: Array<{ roleIds?: string[] }>;
  cloudFailoverPlans?: Array<{ tenantId: string }>;
  sessions?: Array<{ kind: string; tenantId?: string }>;
};

/** References between objects: a tenant's backup server, a subtenant's tenant and quota resource, an account's roles. */
function checkReferences(seed: Seedish, roleIds: readonly string[], problems: string[]): void {
  const lower = (s: string) => s.toLowerCase();
  const servers = new Set((seed.backupServers ?? []).map((s) => lower(s.id)));
  const tenants = new Map((seed.tenants ?? []).map((t) => [lower(t.id), t]));
  const roles = new Set((seed.roles ?? roleIds.map((id) => ({ id }))).map((r) => lower(r.id)));
  (seed.tenants ?? []).forEach((t, i) => {
    if (!servers.has(lower(t.backupServerId))) problems.push(`tenants[${i}].backupServerId: no backup server '${t.backupServerId}' in backupServers`);
  });
  (seed.repositories ?? []).forEach((r, i) => {
    if (!servers.has(lower(r.backupServerId))) problems.push(`repositories[${i}].backupServerId: no backup server '${r.backupServerId}' in backupServers`);
  });
  (seed.subtenants ?? []).forEach((s, i) => {
    const tenant = tenants.get(lower(s.tenantId));
    if (!tenant) problems.push(`subtenants[${i}].tenantId: no tenant '${s.tenantId}' in tenants`);
    else if (!(tenant.resources ?? []).some((r) => lower(r.id) === lower(s.quota.tenantResourceId))) {
      problems.push(`subtenants[${i}].quota.tenantResourceId: tenant '${s.tenantId}' has no resource '${s.quota.tenantResourceId}'`);
    }
  });
  (seed.accounts ?? []).forEach((a, i) =>
    (a.roleIds ?? []).forEach((id, j) => {
      if (!roles.has(lower(id))) problems.push(`accounts[${i}].roleIds[${j}]: no role '${id}' (EM's built-in roles, or the seed's roles)`);
    }),
  );
  (seed.cloudFailoverPlans ?? []).forEach((p, i) => {
    if (!tenants.has(lower(p.tenantId))) problems.push(`cloudFailoverPlans[${i}].tenantId: no tenant '${p.tenantId}' in tenants`);
  });
  (seed.sessions ?? []).forEach((s, i) => {
    if (s.kind === "tenant" && (s.tenantId === undefined || !tenants.has(lower(s.tenantId)))) problems.push(`sessions[${i}].tenantId: a tenant session needs the id of a tenant in tenants`);
  });
}

/** Every problem of a seed, each with its path; empty when the seed is good. `roleIds`: the EM version's built-in roles. */
export function seedProblems(seed: unknown, roleIds: readonly string[]): string[] {
  const problems: string[] = [];
  checkShape(seed, SEED, "", problems);
  if (problems.length === 0) checkReferences(seed as Seedish, roleIds, problems);
  return problems;
}

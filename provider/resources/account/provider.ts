import type * as pulumi from "@pulumi/pulumi";
import { EmNameTakenError, EmOutcomeUnknownError, type AccountRole, type AccountScope, type EmClient, type EnterpriseAccount, type EnterpriseRole } from "../../client";
import { declaredArgs, finishCreated, pick, plain, ProviderBase, sameName } from "../base";
import { IMPORT_UNSUPPORTED } from "../subtenant/provider";
import type { EnterpriseAccountInputs, EnterpriseAccountOutputs, ScopeObject } from "./inputs";
import { ACCOUNT_ARGS, checkAccountInputs } from "./inputs";

const ROLE_URN = "urn:veeam:EnterpriseRole:";
const roleGuid = (value: string) => value.replace(/^urn:veeam:EnterpriseRole:/i, "").toLowerCase();

/** Resolves declared roles (names or UIDs) against EM's roles; an unknown one is an error that lists EM's roles. */
function resolveRoles(declared: string[], roles: EnterpriseRole[]): EnterpriseRole[] {
  return declared.map((entry) => {
    const found = roles.find((r) => roleGuid(r.uid) === roleGuid(entry) || r.id.toLowerCase() === roleGuid(entry)) ?? roles.find((r) => sameName(r.name, entry));
    if (!found) throw new Error(`EM has no role '${entry}'; its roles are: ${roles.map((r) => r.name).join(", ")}`);
    return found;
  });
}

const scopeKey = (item: ScopeObject) => String(item.objectName ?? "").toLowerCase();

/**
 * Scope objects compare by name: EM reports each scope item by its object's name, not by its reference. A list
 * that is not known yet (a preview) counts as changed.
 */
function sameScope(a: ScopeObject[] | undefined, b: ScopeObject[] | undefined): boolean {
  if ((a !== undefined && !Array.isArray(a)) || (b !== undefined && !Array.isArray(b))) return false;
  const keys = (items: ScopeObject[] | undefined) => [...new Set((items ?? []).map(scopeKey))].sort().join("\n");
  return keys(a) === keys(b);
}

/** Roles compare without regard to case or order; a list not known yet counts as changed. */
function sameRoles(a: string[] | undefined, b: string[] | undefined): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return false;
  const keys = (items: string[]) => [...new Set(items.map((r) => String(r).toLowerCase()))].sort().join("\n");
  return keys(a) === keys(b);
}

const flrKey = (v: EnterpriseAccountInputs["flrSettings"]) => JSON.stringify(v ? [v.inplaceOnly, v.inplaceOnly ? v.extensionRestrictions ?? "" : ""] : null);
const sqlKey = (v: EnterpriseAccountInputs["sqlSettings"]) => JSON.stringify(v ? v.denyInPlaceRestore : null);

/** Enterprise Manager accounts with their roles and restore scope, through EM's security API. */
export class EnterpriseAccountProvider extends ProviderBase implements pulumi.dynamic.ResourceProvider<EnterpriseAccountInputs, EnterpriseAccountOutputs> {
  async check(_olds: EnterpriseAccountInputs, news: EnterpriseAccountInputs): Promise<pulumi.dynamic.CheckResult<EnterpriseAccountInputs>> {
    const { inputs, failures } = checkAccountInputs(news as unknown as Record<string, unknown>);
    return { inputs: inputs as unknown as EnterpriseAccountInputs, failures };
  }

  async diff(_id: string, olds: EnterpriseAccountOutputs, news: EnterpriseAccountInputs): Promise<pulumi.dynamic.DiffResult> {
    // EM cannot change an account's type, name, FLR or SQL settings: a new account replaces the old one.
    const replaces: string[] = [];
    if (news.accountType !== olds.accountType) replaces.push("accountType");
    // EM compares account names without regard to case (and may report them in its own case).
    if (!sameName(news.accountName, olds.accountName)) replaces.push("accountName");
    if (flrKey(news.flrSettings) !== flrKey(olds.flrSettings)) replaces.push("flrSettings");
    if (sqlKey(news.sqlSettings) !== sqlKey(olds.sqlSettings)) replaces.push("sqlSettings");
    const changed = !sameRoles(news.roles, olds.roles) || news.allowRestoreAllVms !== olds.allowRestoreAllVms || !sameScope(news.hierarchyScopeObjects, olds.hierarchyScopeObjects);
    // EM compares account names without case: the old account must go before one with the same name comes.
    const deleteBeforeReplace = replaces.length > 0 && sameName(news.accountName, olds.accountName);
    return { changes: replaces.length > 0 || changed, replaces, deleteBeforeReplace };
  }

  async create(inputs: EnterpriseAccountInputs): Promise<pulumi.dynamic.CreateResult<EnterpriseAccountOutputs>> {
    const client = this.client();
    const roles = resolveRoles(inputs.roles, await client.listRoles());
    const declared = declaredArgs(inputs, ACCOUNT_ARGS);
    const existing = await client.findAccountByName(inputs.accountName);
    const account = existing ? await this.adopt(client, existing, inputs, roles) : await this.add(client, inputs, roles);
    // The account exists: a failure from here on records it, and the next 'pulumi up' converges it.
    const outs = await finishCreated(account.id, () => recordedOutputs(inputs, account, declared), `EM account '${account.name}'`, () => this.outputs(client, inputs, account, declared));
    return { id: account.id, outs };
  }

  async read(id: string, props?: EnterpriseAccountOutputs): Promise<pulumi.dynamic.ReadResult<EnterpriseAccountOutputs>> {
    if (!props) throw new Error(IMPORT_UNSUPPORTED);
    const client = this.client();
    const account = await client.getAccount(id);
    // Gone from EM: an empty id makes refresh drop it from the stack.
    if (!account) return {};
    const [roles, scopes] = await Promise.all([client.listAccountRoles(id), client.listAccountScopes(id)]);
    const declared = Array.isArray(props.declaredArgs) ? props.declaredArgs : declaredArgs(props, ACCOUNT_ARGS);
    // A restore scope added in EM shows as drift even where the stack declares none: the stack means "no scope".
    const kept = scopes.length > 0 ? [...declared, "hierarchyScopeObjects"] : declared;
    const inputs = pick(inputsAsInEm(props, account, roles.map((r) => ({ id: r.roleId, uid: ROLE_URN + r.roleId, name: r.roleName })), scopes), kept);
    return { id, props: await this.outputs(client, { ...props, ...inputs }, account, declared, roles), inputs: inputs as EnterpriseAccountOutputs };
  }

  async update(id: string, olds: EnterpriseAccountOutputs, news: EnterpriseAccountInputs): Promise<pulumi.dynamic.UpdateResult<EnterpriseAccountOutputs>> {
    const client = this.client();
    const roles = resolveRoles(news.roles, await client.listRoles());
    await converge(client, id, news, roles);
    const account = await client.getAccount(id);
    if (!account) throw new Error(`Account '${olds.accountName}' (${id}) disappeared from EM during the update`);
    return { outs: await this.outputs(client, news, account, declaredArgs(news, ACCOUNT_ARGS)) };
  }

  async delete(id: string): Promise<void> {
    await this.client().deleteAccount(id);
  }

  /** Creates the account; nothing is deleted or changed when this fails (see EmClient.addAccount). */
  private async add(client: EmClient, inputs: EnterpriseAccountInputs, roles: EnterpriseRole[]): Promise<EnterpriseAccount> {
    try {
      return await client.addAccount({
        accountType: inputs.accountType,
        accountName: inputs.accountName,
        roles: roles.map((r) => r.uid),
        allowRestoreAllVms: inputs.allowRestoreAllVms,
        hierarchyScopeObjects: inputs.hierarchyScopeObjects,
        flrSettings: inputs.flrSettings && { flrInplaceOnly: inputs.flrSettings.inplaceOnly, flrExtentionRestrictions: inputs.flrSettings.extensionRestrictions },
        sqlSettings: inputs.sqlSettings,
      });
    } catch (err) {
      let advice = "";
      if (err instanceof EmNameTakenError) advice = " It was created by someone else meanwhile; it was left untouched.";
      else if (err instanceof EmOutcomeUnknownError) advice = " If it shows up in EM, check it, then set adopt: true on this account to take it over.";
      throw new Error(`Creating EM account '${inputs.accountName}' failed: ${(err as Error).message}${advice}`, { cause: err });
    }
  }

  private async adopt(client: EmClient, existing: EnterpriseAccount, inputs: EnterpriseAccountInputs, roles: EnterpriseRole[]): Promise<EnterpriseAccount> {
    if (!inputs.adopt) {
      throw new Error(
        `EM already has an account named '${existing.name}' (id ${existing.id}). It was left untouched. Set adopt: true to manage it with this stack ` +
          `(dynamic providers cannot use 'pulumi import'), or remove it from EM first.`,
      );
    }
    if (existing.accountType !== inputs.accountType) {
      throw new Error(`Cannot adopt EM account '${existing.name}': it is a ${existing.accountType} account, but the stack declares ${inputs.accountType}`);
    }
    return finishCreated(existing.id, () => recordedOutputs(inputs, existing, declaredArgs(inputs, ACCOUNT_ARGS)), `Adopted EM account '${existing.name}'`, async () => {
      await converge(client, existing.id, inputs, roles);
      return (await client.getAccount(existing.id)) ?? existing;
    });
  }

  /** The outputs from what EM holds; `held` is the account's role list when the caller has just read it. */
  private async outputs(client: EmClient, inputs: EnterpriseAccountInputs, account: EnterpriseAccount, declared: string[], held?: AccountRole[]): Promise<EnterpriseAccountOutputs> {
    held ??= await client.listAccountRoles(account.id);
    return plain({
      ...inputs,
      declaredArgs: declared,
      accountName: account.name,
      accountType: inputs.accountType,
      allowRestoreAllVms: account.allowRestoreAllVms,
      accountId: account.id,
      accountUid: account.uid,
      roleUids: held.map((r) => ROLE_URN + r.roleId),
      roleNames: held.map((r) => r.roleName),
    });
  }
}

/**
 * The outputs recorded for an account that exists but whose create could not finish: what is known without
 * asking EM again. Roles are left empty, so the next update compares and sets them.
 */
function recordedOutputs(inputs: EnterpriseAccountInputs, account: EnterpriseAccount, declared: string[]): Record<string, unknown> {
  return { ...inputs, declaredArgs: declared, accountName: account.name, accountType: inputs.accountType, allowRestoreAllVms: account.allowRestoreAllVms, accountId: account.id, accountUid: account.uid, roles: [], roleUids: [], roleNames: [] };
}

/**
 * Makes EM's roles, restore scope and AllowRestoreAllVms match the declaration. Roles are added before any is
 * removed (EM refuses to remove an account's last role); scope items are added before the switch to a
 * restricted scope, and removed after.
 */
async function converge(client: EmClient, id: string, inputs: EnterpriseAccountInputs, roles: EnterpriseRole[]): Promise<void> {
  const held = await client.listAccountRoles(id);
  const wanted = new Set(roles.map((r) => r.id.toLowerCase()));
  for (const role of roles) if (!held.some((h) => h.roleId.toLowerCase() === role.id.toLowerCase())) await client.addAccountRole(id, role.uid);
  for (const h of held) if (!wanted.has(h.roleId.toLowerCase())) await client.removeAccountRole(id, h.roleId);

  const scopes = await client.listAccountScopes(id);
  const declared = inputs.hierarchyScopeObjects ?? [];
  const missing = declared.filter((item) => !scopes.some((s) => s.name.toLowerCase() === scopeKey(item)));
  if (missing.length > 0) await client.addAccountScopes(id, missing);

  await client.setAllowRestoreAllVms(id, inputs.allowRestoreAllVms);

  const keys = new Set(declared.map(scopeKey));
  for (const s of scopes) if (!keys.has(s.name.toLowerCase())) await client.removeAccountScope(id, s.id);
}

/** The inputs as EM now has them, for `pulumi refresh`; roles keep the form (name or UID) they were declared in. */
function inputsAsInEm(old: EnterpriseAccountInputs, account: EnterpriseAccount, held: EnterpriseRole[], scopes: AccountScope[]): EnterpriseAccountInputs {
  const roles = held.map((role) => old.roles.find((r) => roleGuid(r) === role.id.toLowerCase()) ?? old.roles.find((r) => sameName(r, role.name)) ?? role.name);
  const scope = scopes.filter((s) => s.name !== "").map((s) => (old.hierarchyScopeObjects ?? []).find((item) => scopeKey(item) === s.name.toLowerCase()) ?? { objectName: s.name });
  return plain({
    ...old,
    accountName: account.name,
    roles,
    allowRestoreAllVms: account.allowRestoreAllVms,
    hierarchyScopeObjects: old.hierarchyScopeObjects === undefined && scope.length === 0 ? undefined : scope,
    flrSettings: old.flrSettings && account.flrSettings ? { inplaceOnly: account.flrSettings.flrInplaceOnly, extensionRestrictions: account.flrSettings.flrExtentionRestrictions || undefined } : old.flrSettings,
    sqlSettings: old.sqlSettings && account.sqlSettings ? { denyInPlaceRestore: account.sqlSettings.denyInPlaceRestore } : old.sqlSettings,
  });
}

import type * as pulumi from "@pulumi/pulumi";
import { accountReads, EmCreatedUnreadableError, EmNameTakenError, EmOutcomeUnknownError, runLookups, type AccountRole, type AccountScope, type EmClient, type EnterpriseAccount, type EnterpriseRole } from "../../client";
import { declaredArgs, finishCreated, pick, ProviderBase } from "../base";
import { declaredFrom, declaredIn, diffInputs, outputsFrom, refreshedInputs } from "../fields";
import { accountInEm } from "../em-check";
import { IMPORT_UNSUPPORTED, notAtNewUrl } from "../messages";
import { sameConnectionEm } from "../fields/connection";
import { nameKey, sameName } from "../names";
import { ACCOUNT_FIELDS, findRole, ROLE_URN, scopeKey } from "./fields";
import type { EnterpriseAccountInputs, EnterpriseAccountOutputs } from "./inputs";
import { ACCOUNT_ARGS, checkAccountInputs } from "./inputs";

/** Resolves declared roles (names or UIDs) against EM's roles; an unknown one is an error that lists EM's roles. */
function resolveRoles(declared: string[], roles: EnterpriseRole[]): EnterpriseRole[] {
  return declared.map((entry) => {
    const found = findRole(entry, roles);
    if (!found) throw new Error(`EM has no role '${entry}'; its roles are: ${roles.map((r) => r.name).join(", ")}`);
    return found;
  });
}

/** The outputs from what EM holds: `held` is the account's role list. */
function outputsOf(inputs: EnterpriseAccountInputs, account: EnterpriseAccount, declared: string[], held: AccountRole[]): EnterpriseAccountOutputs {
  const roles = held.map((r) => ({ id: r.roleId, uid: ROLE_URN + r.roleId, name: r.roleName }));
  return outputsFrom(ACCOUNT_FIELDS, inputs, { account, roles }, declared);
}

/** Which arguments the stack declared; for state written before that was kept, a best guess from the outputs. */
function declaredOf(outputs: EnterpriseAccountOutputs): string[] {
  return declaredFrom(outputs, () => declaredIn(ACCOUNT_FIELDS, outputs));
}

/** Enterprise Manager accounts with their roles and restore scope, through EM's security API. */
export class EnterpriseAccountProvider extends ProviderBase implements pulumi.dynamic.ResourceProvider<EnterpriseAccountInputs, EnterpriseAccountOutputs> {
  async check(olds: EnterpriseAccountInputs, news: EnterpriseAccountInputs): Promise<pulumi.dynamic.CheckResult<EnterpriseAccountInputs>> {
    const { inputs, failures } = checkAccountInputs(news);
    // What only EM can answer, once the declaration itself is sound: so a preview finds it, not only \`up\`.
    if (failures.length === 0) failures.push(...(await this.inEm(inputs, (client) => accountInEm(client, (olds ?? {}), inputs))));
    return { inputs, failures };
  }

  async diff(_id: string, olds: EnterpriseAccountOutputs, news: EnterpriseAccountInputs): Promise<pulumi.dynamic.DiffResult> {
    // EM cannot change an account's type, name, FLR or SQL settings: a new account replaces the old one.
    return diffInputs(ACCOUNT_FIELDS, olds, news);
  }

  async create(inputs: EnterpriseAccountInputs): Promise<pulumi.dynamic.CreateResult<EnterpriseAccountOutputs>> {
    const client = this.client(inputs);
    const roles = resolveRoles(inputs.roles, await runLookups(client).roles());
    const declared = declaredArgs(inputs, ACCOUNT_ARGS);
    // Looked for first only when asked to adopt; otherwise EM's refusal of a taken name says it exists (EM has no
    // query for accounts, so a look-up reads the whole account list).
    const existing = inputs.adopt ? await client.findAccountByName(inputs.accountName) : undefined;
    const account = existing ? await this.adopt(client, existing, inputs, roles) : await this.add(client, inputs, roles);
    // A new account holds exactly the declared roles (EM took them with the create): no need to read them back.
    const held = existing ? undefined : roles.map((r) => ({ roleId: r.id, roleName: r.name }));
    // The account exists: a failure from here on records it, and the next 'pulumi up' converges it.
    const outs = await finishCreated(account.id, () => recordedOutputs(inputs, account, declared), `EM account '${account.name}'`, () => this.outputs(client, inputs, account, declared, held));
    return { id: account.id, outs };
  }

  async read(id: string, props?: EnterpriseAccountOutputs): Promise<pulumi.dynamic.ReadResult<EnterpriseAccountOutputs>> {
    if (!props) throw new Error(IMPORT_UNSUPPORTED);
    const client = this.client(props);
    // EM's account entity carries neither roles nor scopes, only links to them (EM REST reference,
    // /security/accounts/{ID}): the entity comes from EM's account list, shared by the reads that arrive together
    // (account-reads.ts; undefined only on EM's 404), and the role list is a GET of its own, sent at the same time.
    // The restore scope is read only where it can matter (see scopeMatters).
    const scopesExpected = scopeMatters(props);
    const [got, heldRoles, heldScopes] = await Promise.allSettled([accountReads(client).read(id), client.listAccountRoles(id), scopesExpected ? client.listAccountScopes(id) : Promise.resolve(undefined)]);
    if (got.status === "rejected") throw got.reason;
    const account = got.value;
    // Gone from EM (its own 404 for the account): an empty id makes refresh drop it from the stack.
    if (!account) return {};
    if (heldRoles.status === "rejected") throw heldRoles.reason;
    if (heldScopes.status === "rejected") throw heldScopes.reason;
    const roles = heldRoles.value;
    // The stack expected all VMs, but EM now restricts the account: its scope matters after all.
    const scopes = heldScopes.value ?? (account.allowRestoreAllVms ? undefined : await client.listAccountScopes(id));
    const declared = declaredOf(props);
    // A restore scope added in EM shows as drift even where the stack declares none: the stack means "no scope".
    const kept = (scopes ?? []).length > 0 ? [...declared, "hierarchyScopeObjects"] : declared;
    const inputs = pick(inputsAsInEm(props, account, roles.map((r) => ({ id: r.roleId, uid: ROLE_URN + r.roleId, name: r.roleName })), scopes), kept);
    return { id, props: await this.outputs(client, { ...props, ...inputs }, account, declared, roles), inputs: inputs as EnterpriseAccountOutputs };
  }

  async update(id: string, olds: EnterpriseAccountOutputs, news: EnterpriseAccountInputs): Promise<pulumi.dynamic.UpdateResult<EnterpriseAccountOutputs>> {
    const client = this.client(news);
    if (!sameConnectionEm(olds.connection, news.connection) && !(await client.getAccount(id))) {
      throw new Error(notAtNewUrl(`EM account '${olds.accountName}'`, id, String(news.connection?.url)));
    }
    const roles = resolveRoles(news.roles, await runLookups(client).roles());
    await converge(client, id, news, roles);
    const account = await client.getAccount(id);
    if (!account) throw new Error(`Account '${olds.accountName}' (${id}) disappeared from EM during the update`);
    return { outs: await this.outputs(client, news, account, declaredArgs(news, ACCOUNT_ARGS)) };
  }

  async delete(id: string, props?: EnterpriseAccountOutputs): Promise<void> {
    await this.client(props).deleteAccount(id);
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
      if (err instanceof EmNameTakenError) {
        // Someone else's (another stack, a person, or this stack before the resource was in its state).
        const other = await client.findAccountByName(inputs.accountName).catch(() => undefined);
        throw new Error(
          `EM already has an account named '${other?.name ?? inputs.accountName}'${other ? ` (id ${other.id})` : ""}. It was left untouched. ` +
            `Set adopt: true to manage it with this stack (dynamic providers cannot use 'pulumi import'), or remove it from EM first.`,
          { cause: err },
        );
      }
      let advice = "";
      if (err instanceof EmOutcomeUnknownError) {
        advice =
          ` Check in EM (Configuration > Roles and Users) whether the account '${inputs.accountName}' is the one this stack asked for (type ${inputs.accountType}, the declared roles, created just now).` +
          ` If it is, set adopt: true on this account and run 'pulumi up': the stack takes it over and sets its roles and settings as declared. If it is someone else's, remove it from this stack or choose another account. Until then the stack does not touch it.`;
      } else if (err instanceof EmCreatedUnreadableError) {
        advice = ` It is this stack's: set adopt: true on this account and run 'pulumi up' again to record it.`;
      }
      throw new Error(`Creating EM account '${inputs.accountName}' failed: ${(err as Error).message}${advice}`, { cause: err });
    }
  }

  private async adopt(client: EmClient, existing: EnterpriseAccount, inputs: EnterpriseAccountInputs, roles: EnterpriseRole[]): Promise<EnterpriseAccount> {
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
    return outputsOf(inputs, account, declared, held);
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
  const wanted = new Set(roles.map((r) => nameKey(r.id)));
  for (const role of roles) if (!held.some((h) => sameName(h.roleId, role.id))) await client.addAccountRole(id, role.uid);
  for (const h of held) if (!wanted.has(nameKey(h.roleId))) await client.removeAccountRole(id, h.roleId);

  const scopes = await client.listAccountScopes(id);
  const declared = inputs.hierarchyScopeObjects ?? [];
  const missing = declared.filter((item) => !scopes.some((s) => nameKey(s.name) === scopeKey(item)));
  if (missing.length > 0) await client.addAccountScopes(id, missing);

  await client.setAllowRestoreAllVms(id, inputs.allowRestoreAllVms);

  const keys = new Set(declared.map(scopeKey));
  for (const s of scopes) if (!keys.has(nameKey(s.name))) await client.removeAccountScope(id, s.id);
}

/**
 * Whether a refresh must read the account's restore scope before it knows what EM says of AllowRestoreAllVms:
 * when the stack restricts the account or declares scope items. EM applies the restore scope only to an account
 * that may not restore all VMs: AllowRestoreAllVms is switched by the link EM names "ToggleRestoreScopesEnabled"
 * (EM REST reference, security_accounts_id, post_security_accounts_id). So for an account that may restore all
 * VMs and declares no scope, the scope is not read and the state's value is kept; read() still reads it when EM
 * turns out to restrict the account.
 */
function scopeMatters(props: EnterpriseAccountOutputs): boolean {
  return props.allowRestoreAllVms === false || (props.hierarchyScopeObjects ?? []).length > 0;
}

/**
 * The declared arguments as EM now has them, for `pulumi refresh`; roles keep the form (name or UID) they were
 * declared in, and a restore scope added in EM comes back even where the stack declares none.
 */
function inputsAsInEm(old: EnterpriseAccountInputs, account: EnterpriseAccount, held: EnterpriseRole[], scopes: AccountScope[] | undefined): EnterpriseAccountInputs {
  const declared = declaredOf(old as EnterpriseAccountOutputs);
  return refreshedInputs(ACCOUNT_FIELDS, old, { account, roles: held, scopes }, declared);
}

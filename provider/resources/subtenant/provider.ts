import type * as pulumi from "@pulumi/pulumi";
import { EmCreatedUnreadableError, EmNameTakenError, EmOutcomeUnknownError, GUID, runLookups, subtenantDiffers, subtenantReads, type CloudSubtenant, type CloudSubtenantEditSpec, type CloudTenant, type EmClient } from "../../client";
import { NameMayBeSameError } from "../../client/name-rule";
import { declaredArgs, finishCreated, ProviderBase } from "../base";
import { declaredFrom, declaredIn, diffInputs, outputsFrom, refreshedInputs } from "../fields";
import { subtenantInEm } from "../em-check";
import { IMPORT_UNSUPPORTED, notAtNewUrl } from "../messages";
import { sameConnectionEm } from "../fields/connection";
import { sameName } from "../names";
import { SUBTENANT_FIELDS } from "./fields";
import { checkSubtenantInputs, SUBTENANT_ARGS, type SubtenantInputs, type SubtenantOutputs } from "./inputs";

function outputsOf(inputs: SubtenantInputs, tenant: Pick<CloudTenant, "id" | "name">, subtenant: CloudSubtenant, declared: string[]): SubtenantOutputs {
  return outputsFrom(SUBTENANT_FIELDS, inputs, { tenant, subtenant }, declared);
}

/** Which arguments the stack declared; for state written before that was kept, a best guess from the outputs. */
function declaredOf(outputs: SubtenantOutputs): string[] {
  return declaredFrom(outputs, () => declaredIn(SUBTENANT_FIELDS, outputs).filter((k) => k !== "tenantId" && k !== "quotaName"));
}

/**
 * The declared arguments as EM now has them, for `pulumi refresh`: a later preview then shows drift against the
 * program. What EM never reports (the password) keeps its declared value; what the stack left to EM (quota name,
 * quota size of an unlimited quota) stays undeclared.
 */
function inputsAsInEm(old: SubtenantOutputs, subtenant: CloudSubtenant): SubtenantInputs {
  const tenant = { id: old.tenantId, name: old.tenantName };
  return refreshedInputs(SUBTENANT_FIELDS, old, { tenant, subtenant }, declaredOf(old));
}

/** Cloud Connect subtenants of a tenant, through EM's subtenant API (every change runs as a polled task). */
export class SubtenantProvider extends ProviderBase implements pulumi.dynamic.ResourceProvider<SubtenantInputs, SubtenantOutputs> {
  async check(olds: SubtenantInputs, news: SubtenantInputs): Promise<pulumi.dynamic.CheckResult<SubtenantInputs>> {
    const { inputs, failures } = checkSubtenantInputs(news);
    // What only EM can answer, once the declaration itself is sound: so a preview finds it, not only \`up\`.
    if (failures.length === 0) failures.push(...(await this.inEm(inputs, (client) => subtenantInEm(client, (olds ?? {}), inputs))));
    return { inputs, failures };
  }

  async diff(_id: string, olds: SubtenantOutputs, news: SubtenantInputs): Promise<pulumi.dynamic.DiffResult> {
    // EM compares names without regard to case (and may report them in its own case): only another name is a change.
    return diffInputs(SUBTENANT_FIELDS, olds, news);
  }

  async create(inputs: SubtenantInputs): Promise<pulumi.dynamic.CreateResult<SubtenantOutputs>> {
    const client = this.client(inputs);
    const tenant = await resolveTenant(client, inputs);
    const declared = declaredArgs(inputs, SUBTENANT_ARGS);
    // Looked for first only when asked to adopt; otherwise EM's refusal of a taken name says it exists (one request less).
    const existing = inputs.adopt ? await client.findSubtenantByName(tenant.id, inputs.name) : undefined;
    const subtenant = existing ? await this.adopt(client, tenant, existing, inputs) : await this.add(client, tenant, inputs);
    return { id: subtenant.id, outs: outputsOf(inputs, tenant, subtenant, declared) };
  }

  async read(id: string, props?: SubtenantOutputs): Promise<pulumi.dynamic.ReadResult<SubtenantOutputs>> {
    if (!props) throw new Error(IMPORT_UNSUPPORTED);
    const client = this.client(props);
    // Batched with the reads that arrive with it (a refresh reads them all at once); undefined only on EM's 404.
    const found = await subtenantReads(client).read(props.tenantId, id);
    // Gone from EM: an empty id makes refresh drop it from the stack.
    if (!found) return {};
    const inputs = inputsAsInEm(props, found);
    const tenant = { id: props.tenantId, name: found.tenantName || props.tenantName };
    return { id, props: outputsOf({ ...props, ...inputs }, tenant, found, declaredOf(props)), inputs: inputs as SubtenantOutputs };
  }

  async update(id: string, olds: SubtenantOutputs, news: SubtenantInputs): Promise<pulumi.dynamic.UpdateResult<SubtenantOutputs>> {
    const client = this.client(news);
    const tenant = { id: olds.tenantId, name: olds.tenantName };
    if (!sameConnectionEm(olds.connection, news.connection) && !(await client.getSubtenant(olds.tenantId, id))) {
      throw new Error(notAtNewUrl(`Subtenant '${olds.name}' of tenant '${olds.tenantName}'`, id, String(news.connection?.url)));
    }
    const spec = editSpec(id, olds.name, news, olds.password, olds);
    await client.editSubtenant(olds.tenantId, id, spec);
    // EM's task finished the edit as sent (the client verifies it where the outcome was unknown), so the outputs
    // follow from the edit body without reading the subtenant back; what only EM knows (the used space) stays as
    // last read, and a refresh brings EM's own view.
    const q = spec.repositoryQuota;
    const updated: CloudSubtenant = {
      id,
      tenantId: olds.tenantId,
      tenantName: olds.tenantName,
      name: olds.name,
      description: spec.description ?? olds.description,
      enabled: spec.enabled ?? olds.enabled,
      quota: { unlimited: q.unlimited, displayName: q.displayName ?? olds.quotaName, tenantResourceId: q.tenantResourceId ?? olds.tenantResourceId, quotaMb: q.quotaMb, usedQuotaMb: olds.usedQuotaMb, quotaId: olds.quotaId },
    };
    return { outs: outputsOf(news, tenant, updated, declaredArgs(news, SUBTENANT_ARGS)) };
  }

  async delete(id: string, props: SubtenantOutputs): Promise<void> {
    await this.client(props).deleteSubtenant(props.tenantId, id);
  }

  /**
   * Creates the subtenant. The client never deletes or changes anything when this fails: a name EM says is taken
   * belongs to someone else, and a lost answer that looking at EM cannot settle is reported as unknown.
   */
  private async add(client: EmClient, tenant: CloudTenant, inputs: SubtenantInputs): Promise<CloudSubtenant> {
    try {
      return await client.addSubtenant(tenant.id, {
        name: inputs.name,
        description: inputs.description,
        password: inputs.password,
        enabled: inputs.enabled,
        tenantResourceId: inputs.tenantResourceId,
        quotaName: inputs.quotaName,
        quotaMb: inputs.quotaMb,
        unlimitedQuota: inputs.unlimitedQuota,
      });
    } catch (err) {
      if (err instanceof EmNameTakenError) {
        // Someone else's (another stack, a person, or this stack before the resource was in its state).
        const other = await client.findSubtenantByName(tenant.id, inputs.name).catch((e) => (e instanceof NameMayBeSameError ? (e.match as CloudSubtenant) : undefined));
        throw new Error(
          `Tenant '${tenant.name}' already has a subtenant named '${other?.name ?? inputs.name}'${other ? ` (id ${other.id})` : ""}. It was left untouched. ` +
            `Set adopt: true to manage it with this stack (dynamic providers cannot use 'pulumi import'), or choose another name.`,
          { cause: err },
        );
      }
      let advice = "";
      if (err instanceof EmOutcomeUnknownError) {
        advice =
          ` Check in EM (Cloud Connect > Tenants > '${tenant.name}' > Subtenants) whether a subtenant '${inputs.name}' exists, now or once EM's task has ended, and whether it is the one this stack asked for` +
          ` (description, quota and state as declared, created just now). If it is, set adopt: true on this subtenant and run 'pulumi up': the stack takes it over and sets the declared password.` +
          ` If it is someone else's, give this subtenant another name. Until then the stack does not touch it.`;
      } else if (err instanceof EmCreatedUnreadableError) {
        advice = ` It is this stack's: set adopt: true on this subtenant and run 'pulumi up' again to record it (the next run stops with 'already has a subtenant named' until then).`;
      }
      throw new Error(`Creating subtenant '${inputs.name}' of tenant '${tenant.name}' failed: ${(err as Error).message}${advice}`, { cause: err });
    }
  }

  /** Takes over a subtenant that already exists, after checking it is the one the stack describes. */
  private async adopt(client: EmClient, tenant: CloudTenant, existing: CloudSubtenant, inputs: SubtenantInputs): Promise<CloudSubtenant> {
    if (!sameName(existing.quota.tenantResourceId, inputs.tenantResourceId)) {
      throw new Error(
        `Cannot adopt subtenant '${existing.name}' of tenant '${tenant.name}': it uses the quota resource ${existing.quota.tenantResourceId}, ` +
          `but the stack declares ${inputs.tenantResourceId}. Declare the resource it uses, adopt it, then change it in a later update.`,
      );
    }
    // From here the object is the stack's. EM never returns a password, so adopting keeps the one EM has: the
    // declared password is recorded as sent, and goes to EM only when the declaration changes later ("always").
    const declared = declaredArgs(inputs, SUBTENANT_ARGS);
    const recorded = () => ({ ...outputsOf(inputs, tenant, existing, declared), __provider: (inputs as { __provider?: unknown }).__provider });
    // What the stack leaves to EM (the quota's name, an unlimited quota's size) stays as EM has it.
    const kept = { quotaName: existing.quota.displayName, quotaMb: existing.quota.quotaMb };
    const spec = editSpec(existing.id, existing.name, inputs, inputs.password, kept);
    const q = spec.repositoryQuota;
    // An object that already matches the declaration is taken over without a single write.
    if (!subtenantDiffers(existing, { description: spec.description, enabled: spec.enabled, unlimited: q.unlimited, tenantResourceId: q.tenantResourceId, quotaMb: q.quotaMb, quotaName: q.displayName })) return existing;
    return finishCreated(existing.id, recorded, `Adopted subtenant '${existing.name}' of tenant '${tenant.name}'`, async () => {
      await client.editSubtenant(tenant.id, existing.id, spec);
      return (await client.getSubtenant(tenant.id, existing.id)) ?? existing;
    });
  }
}

/**
 * EM's edit body from the declared state. The password goes only when it changed (EM keeps the current one when
 * it is empty); an unlimited quota without a declared size keeps the size EM has.
 */
function editSpec(id: string, name: string, news: SubtenantInputs, oldPassword: string | undefined, olds: Pick<SubtenantOutputs, "quotaName" | "quotaMb">): CloudSubtenantEditSpec & Required<Pick<CloudSubtenantEditSpec, "repositoryQuota">> {
  return {
    id,
    name,
    description: news.description,
    // passwordPolicy "initial": an update sends it only when the state holds none (an adoption recorded by an
    // earlier version, which meant to set it).
    password: (oldPassword !== undefined && news.passwordPolicy === "initial") || news.password === oldPassword ? "" : news.password,
    enabled: news.enabled,
    repositoryQuota: {
      unlimited: news.unlimitedQuota,
      displayName: news.quotaName ?? olds.quotaName,
      tenantResourceId: news.tenantResourceId,
      quotaMb: news.quotaMb ?? olds.quotaMb,
    },
  };
}

async function resolveTenant(client: EmClient, inputs: SubtenantInputs): Promise<CloudTenant> {
  // A tenant id is a path segment of every request: anything but a GUID could address another object.
  if (inputs.tenantId !== undefined && !GUID.test(inputs.tenantId)) {
    throw new Error(`tenantId '${inputs.tenantId}' is not a GUID: give the tenant's id as EM shows it (e.g. 28ddf9b9-12fa-431a-a34c-a327f05c3920), or its name as tenantName`);
  }
  const lookups = runLookups(client);
  const tenant = inputs.tenantId !== undefined ? await lookups.tenantById(inputs.tenantId) : await lookups.tenantByName(inputs.tenantName as string);
  if (tenant) return tenant;
  const names = (await client.listTenants()).map((t) => t.name);
  const wanted = inputs.tenantId !== undefined ? `with id ${inputs.tenantId}` : `named '${inputs.tenantName}'`;
  throw new Error(`EM has no cloud tenant ${wanted}; its tenants are: ${names.join(", ") || "(none)"}`);
}

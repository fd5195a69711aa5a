import { expect } from "chai";
import type { Emulator } from "../../emulator/server";
import { EmApiError, missingRightsHint } from "../../provider/client/errors";
import { ABC_TENANT_ID, clientFor, emulator } from "./helpers";

/**
 * security_roles_concept: Portal User has the whole of /cloud/tenants (subtenants included), not /security; its list
 * of query types names neither CloudTenant nor CloudSubtenant. A 403 says which role covers the request.
 */
describe("client: the advice of a 403 names the EM role the request needs", () => {
  let em: Emulator;
  before(async () => {
    em = await emulator();
  });
  after(() => em.stop());

  async function refusal(run: () => Promise<unknown>): Promise<EmApiError> {
    const err = await run().then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(EmApiError);
    expect((err as EmApiError).status).to.equal(403);
    return err as EmApiError;
  }

  it("over HTTP: a subtenant request needs Portal User or Portal Administrator; an account request Portal Administrator", async () => {
    // A tenant session is refused both (EM lets tenants only start and undo failover plans): the emulator's 403.
    const client = clientFor(em, { credentials: { kind: "tenant", tenantName: "ABC Company", password: "P@ssw0rd" } });
    try {
      const subtenants = await refusal(() => client.getSubtenant(ABC_TENANT_ID, "0eb0c130-d91a-4e05-9403-ac2ded0fc1ea"));
      expect(subtenants.hint).to.contain("need the Portal User or Portal Administrator role");
      const accounts = await refusal(() => client.listAccounts());
      expect(accounts.hint).to.contain("need the Portal Administrator role; Portal User does not cover them");
    } finally {
      await client.close();
    }
  });

  it("a query of cloud tenants or subtenants, and anything else, points at Portal Administrator", () => {
    expect(missingRightsHint("/query?type=CloudSubtenant&format=Entities")).to.contain("give the account that role");
    expect(missingRightsHint("/querySvc")).to.contain("Portal Administrator");
    expect(missingRightsHint("/backupServers")).to.contain("Portal Administrator covers every request");
    expect(missingRightsHint("/Security/Accounts")).to.contain("Portal User does not cover them");
  });
});

/**
 * Names from EM reach a terminal through `veeam-em export`: in its notes, its `pulumi config set` lines and the data
 * file on standard output. A name holding control characters (an escape sequence, a bidirectional override) must
 * show as visible escapes, never act on the terminal; the data file must still hold the name exactly.
 */
import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator/server";
import { printable, printableJson } from "../../provider/export/names";
import { runCli } from "./cli";
import { largeSeed } from "./seed";

const ADMIN_PASSWORD = "Em-Adm1n-Ctrl-4471";
/** A terminal title sequence and a screen clear. */
const TENANT = "Evil\u001b]0;pwned\u0007 Co\u001b[2J";
/** A right-to-left override, then a C1 control (CSI on 8-bit terminals) and DEL. */
const SUBTENANT = "invoice\u202egnp.exe\u009b\u007f";
/** Any character that acts on a terminal. */
const ACTS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe("veeam-em export: control characters in names from EM", function () {
  this.timeout(60_000);
  let em: Emulator;
  before(async () => {
    const seed = largeSeed();
    const tenant = seed.tenants![0];
    tenant.name = TENANT;
    const sub = seed.subtenants!.find((s) => s.tenantId === tenant.id)!;
    sub.name = SUBTENANT;
    em = await startEmulator({ port: 0, taskDurationMs: 5, adminPassword: ADMIN_PASSWORD, seed });
  });
  after(async () => em?.stop());

  it("escapes them in every printed line, and keeps them in the data file's values", async () => {
    const run = await runCli(["export", "--url", em.url, "--username", "admin", "--tenant", "Evil*"], { VEEAM_EM_PASSWORD: ADMIN_PASSWORD });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).not.to.match(ACTS);
    expect(run.stderr).not.to.match(ACTS);
    const data = JSON.parse(run.stdout);
    expect(data.tenants[0].name).to.equal(TENANT);
    expect(data.tenants[0].subtenants.map((s: { name: string }) => s.name)).to.include(SUBTENANT);
    expect(run.stderr).to.contain("\\u001b]0;pwned\\u0007");
    expect(run.stderr).to.match(/invoice\\u202egnp\.exe\\u009b\\u007f.*\n# \(the names in the line above hold control characters/);
  });

  it("printable escapes controls of every kind and leaves other text alone", () => {
    expect(printable("a\tb\nc\u001bd\u0085e\u2066f\u200fg")).to.equal("a\\u0009b\\u000ac\\u001bd\\u0085e\\u2066f\\u200fg");
    expect(printable("Zürich – ABC\\tech")).to.equal("Zürich – ABC\\tech");
    const json = JSON.stringify({ name: SUBTENANT }, null, 2);
    expect(JSON.parse(printableJson(json))).to.deep.equal({ name: SUBTENANT });
    expect(printableJson(json)).not.to.match(ACTS);
  });
});

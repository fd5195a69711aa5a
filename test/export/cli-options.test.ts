/** "did you mean" for a slip in the `veeam-em` command line. */
import { expect } from "chai";
import { parseArgs } from "node:util";
import { optionError } from "../../provider/cli/options";
import { runCli } from "./cli";

const OPTIONS = { tenant: { type: "string" }, "no-accounts": { type: "boolean" }, quiet: { type: "boolean" }, output: { type: "string", short: "o" } } as const;

function parseError(args: string[]): string {
  try {
    parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false });
  } catch (err) {
    return optionError(err, OPTIONS);
  }
  throw new Error(`${args.join(" ")} was accepted`);
}

describe("veeam-em: did you mean", () => {
  it("names the closest option for a slip, nothing for an option far from all, and keeps Node's other messages", () => {
    expect(parseError(["--tenat", "x"])).to.equal("Unknown option '--tenat' (did you mean '--tenant'?)");
    expect(parseError(["--no-acounts"])).to.equal("Unknown option '--no-acounts' (did you mean '--no-accounts'?)");
    expect(parseError(["--Quiet"])).to.equal("Unknown option '--Quiet' (did you mean '--quiet'?)");
    expect(parseError(["--verbose"])).to.equal("Unknown option '--verbose'");
    expect(parseError(["-x"])).to.equal("Unknown option '-x'");
    expect(parseError(["--tenant"])).to.match(/^Option '--tenant <value>' argument missing/);
  });

  it("in the command: export's options, and the command's name", async () => {
    const option = await runCli(["export", "--inclde-builtin"]);
    expect(option.code).to.equal(2);
    expect(option.stderr).to.include("Unknown option '--inclde-builtin' (did you mean '--include-builtin'?)");
    const command = await runCli(["exprot"]);
    expect(command.code).to.equal(2);
    expect(command.stderr).to.include("veeam-em: unknown command 'exprot' (did you mean 'export'?)");
  });
});

import { PassThrough } from "node:stream";
import { expect } from "chai";
import { promptSecret } from "../../provider/cli/prompt";

/** A terminal as the prompt sees it: a readable stream with raw mode, recording when raw mode is on. */
function terminal() {
  const input = new PassThrough() as unknown as NodeJS.ReadStream & PassThrough;
  const modes: boolean[] = [];
  Object.assign(input, { isTTY: true, setRawMode: (on: boolean) => (modes.push(on), input) });
  let written = "";
  const output = { write: (s: string) => ((written += s), true) } as unknown as NodeJS.WriteStream;
  return { input, output, modes, written: () => written };
}

describe("the password prompt of veeam-em export", () => {
  it("reads a line in raw mode (no echo), honours backspace, and writes only the question", async () => {
    const t = terminal();
    const answer = promptSecret("EM password for admin: ", t.input, t.output);
    t.input.write("S3cret-x\u007fX");
    t.input.write("\r");
    expect(await answer).to.equal("S3cret-X");
    expect(t.written()).to.equal("EM password for admin: \n");
    expect(t.modes).to.deep.equal([true, false]);
  });

  it("is cancelled by Ctrl+C, leaving raw mode", async () => {
    const t = terminal();
    const answer = promptSecret("? ", t.input, t.output);
    t.input.write("abc\u0003");
    let error: Error | undefined;
    await answer.catch((err: Error) => (error = err));
    expect(error?.message).to.equal("cancelled");
    expect(t.modes).to.deep.equal([true, false]);
  });

  it("refuses when stdin is not a terminal", async () => {
    const input = new PassThrough() as unknown as NodeJS.ReadStream;
    let error: Error | undefined;
    await promptSecret("? ", input).catch((err: Error) => (error = err));
    expect(error?.message).to.equal("stdin is not a terminal, so the password cannot be asked for");
  });
});

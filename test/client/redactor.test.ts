/** The Redactor: every text the client puts into an error or a progress line passes through it. */
import { expect } from "chai";
import { Redactor } from "../../provider/client/errors";

describe("client: Redactor", () => {
  it("masks a secret that contains another whole, whichever was added first", () => {
    for (const order of [["Pass", "Pass-Word-1"], ["Pass-Word-1", "Pass"]]) {
      const redactor = new Redactor();
      for (const secret of order) redactor.add(secret);
      expect(redactor.apply("logon with Pass-Word-1 failed; Pass was tried before"), order.join(" then ")).to.equal("logon with *** failed; *** was tried before");
    }
  });

  it("masks a short secret where it stands alone, never inside a longer word", () => {
    const redactor = new Redactor();
    redactor.add("ab");
    redactor.add("s3cret");
    redactor.add("s3cret");
    redactor.add(undefined);
    expect(redactor.apply(`password "ab" is too short; about s3cret, s3cret.`)).to.equal(`password "***" is too short; about ***, ***.`);
    expect(redactor.apply("abc cab ab")).to.equal("abc cab ***");
    expect(redactor.apply(undefined)).to.equal(undefined);
  });

  it("masks a long secret wherever it appears, and takes secrets with pattern characters literally", () => {
    const redactor = new Redactor();
    redactor.add("Long-Secret-9");
    redactor.add("a.b");
    expect(redactor.apply("xLong-Secret-9y axb a.b")).to.equal("x***y axb ***");
  });
});

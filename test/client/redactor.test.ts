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

  it("ignores secrets shorter than 3 characters and the same secret added twice", () => {
    const redactor = new Redactor();
    redactor.add("ab");
    redactor.add("s3cret");
    redactor.add("s3cret");
    redactor.add(undefined);
    expect(redactor.apply("ab s3cret s3cret")).to.equal("ab *** ***");
    expect(redactor.apply(undefined)).to.equal(undefined);
  });
});

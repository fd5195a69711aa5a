import { expect } from "chai";
import { ANSWER_LIMITS, AnswerLimitError, decodeBody, parseEntityReferences, parseXml, type XmlWork } from "../../provider/client/codec";

const NS = "http://www.veeam.com/ent/v1.0";

describe("XML reader", () => {
  describe("shapes", () => {
    it("reads attributes and children as properties, text-only elements as strings, one-item lists as lists", () => {
      const doc = parseXml(`<?xml version="1.0" encoding="utf-8"?>
<CloudSubtenant xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" Href="h" Type="CloudSubtenant" Name="sub-1" UID="urn:veeam:CloudSubtenant:1" xmlns="${NS}">
  <Links>
    <Link Href="up" Type="CloudTenant" Rel="Up" />
  </Links>
  <Password />
  <Description>  first line  </Description>
  <LeaseOptions Enabled="false" />
  <Resources><Item>a</Item><Item>b</Item></Resources>
</CloudSubtenant>`);
      expect(doc.root).to.equal("CloudSubtenant");
      expect(doc.namespace).to.equal(NS);
      expect(doc.body).to.deep.equal({
        Links: { Link: [{ Href: "up", Type: "CloudTenant", Rel: "Up" }] },
        Password: "",
        Description: "first line",
        LeaseOptions: { Enabled: "false" },
        Resources: { Item: ["a", "b"] },
        Href: "h",
        Type: "CloudSubtenant",
        Name: "sub-1",
        UID: "urn:veeam:CloudSubtenant:1",
      });
    });

    it("drops namespace prefixes and declarations, keeps xsi attributes by local name, and finds the root's namespace through its prefix", () => {
      const doc = parseXml(`<em:Task xmlns:em="${NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><em:State xsi:nil="true" /><em:Result Success="true">done</em:Result></em:Task>`);
      expect(doc).to.deep.equal({ root: "Task", namespace: NS, body: { State: { nil: "true" }, Result: { Success: "true", _text: "done" } } });
      expect(parseXml(`<Task><State>Finished</State></Task>`).namespace).to.equal("");
    });

    it("reads an element with only namespace declarations as empty text, and the root never as a list", () => {
      expect(parseXml(`<EntityReferences xmlns="${NS}" />`).body).to.equal("");
      expect(parseXml(`<Task xmlns="${NS}"><TaskId>t</TaskId></Task>`).body).to.deep.equal({ TaskId: "t" });
    });

    it("resolves the predefined and numeric references, keeps an undeclared entity as written, reads CDATA as is", () => {
      const doc = parseXml(`<a t="x &amp; &quot;y&quot; &#233;"><b>&lt;&gt;&apos;&#x4A;&#74;</b><c>&nbsp;</c><d><![CDATA[<raw> & ]]></d></a>`);
      expect(doc.body).to.deep.equal({ b: "<>'JJ", c: "&nbsp;", d: "<raw> &", t: 'x & "y" é' });
    });

    it("reads every line break as LF (XML 1.0 §2.11), in text and attributes, but keeps a &#xD; that is written out", () => {
      const doc = parseXml(`<a\r\n  t="x\r\ny"><d>line1\r\nline2\rline3</d><e>keep&#xD;end</e></a>\r\n`);
      expect(doc.body).to.deep.equal({ d: "line1\nline2\nline3", e: "keep\rend", t: "x\ny" });
    });

    it("takes names of Object's own properties as plain names", () => {
      const doc = parseXml(`<a><constructor>x</constructor><B toString="t" hasOwnProperty="h" /><valueOf>1</valueOf><valueOf>2</valueOf></a>`);
      expect(doc.body).to.deep.equal({ constructor: "x", B: { toString: "t", hasOwnProperty: "h" }, valueOf: ["1", "2"] });
      expect(Object.getPrototypeOf(doc.body)).to.equal(Object.prototype);
    });

    it("skips the declaration, comments, processing instructions and a DOCTYPE without a subset; accepts a BOM", () => {
      const doc = parseXml(`\uFEFF<?xml version="1.0"?>\n<!DOCTYPE Task>\n<!-- before --><Task><!-- inside --><?pi x?><Id>1</Id></Task>\n<!-- after -->\n`);
      expect(doc).to.deep.equal({ root: "Task", namespace: "", body: { Id: "1" } });
    });
  });

  describe("refuses what is not well-formed, with a short reason", () => {
    const cases: Array<[string, string, RegExp]> = [
      ["a truncated page", `<QueryResult xmlns="${NS}"><Refs><Ref Name="a"`, /tag <Ref> is not closed/],
      ["an unclosed element", `<QueryResult><Refs>`, /<Refs> is not closed/],
      ["a mismatched end tag", `<a><b></a></b>`, /end tag <\/a> does not match <b>/],
      ["an end tag without a start", `<a></a></b>`, /<\/b> has no start tag/],
      ["a second root", `<a/><b/>`, /second root/],
      ["text after the root", `<a/>trailing`, /text outside the root/],
      ["text before the root", `Error<a/>`, /text outside the root/],
      ["no root at all", `<!-- nothing -->`, /no root element/],
      ["a repeated attribute", `<a x="1" x="2"/>`, /'x' is repeated/],
      ["an unquoted attribute", `<a x=1/>`, /not quoted/],
      ["an attribute without a value", `<a x/>`, /has no value/],
      ["a '<' in an attribute", `<a x="<"/>`, /holds a '<'/],
      ["attributes run together", `<a x="1"y="2"/>`, /white space is missing/],
      ["a bare ampersand", `<a>fish & chips</a>`, /starts no entity reference/],
      ["a bad character reference", `<a>&#xZZ;</a>`, /not valid/],
      ["a reference to NUL", `<a>&#0;</a>`, /not valid/],
      ["a reference to a lone surrogate", `<a t="&#xD800;"/>`, /not valid/],
      ["a reference beyond Unicode", `<a>&#x110000;</a>`, /not valid/],
      ["an element named __proto__", `<a><__proto__>x</__proto__></a>`, /'__proto__' is not accepted/],
      ["an attribute named __proto__", `<a __proto__="x"/>`, /'__proto__' is not accepted/],
      ["an unclosed comment", `<a><!-- x </a>`, /comment is not closed/],
      ["an unclosed CDATA section", `<a><![CDATA[x</a>`, /CDATA section is not closed/],
      ["a bad name", `<1a/>`, /name was expected/],
      ["HTML with a void element (a proxy's page)", `<!DOCTYPE html><html><body><br></body></html>`, /<\/body> does not match <br>/],
    ];
    for (const [what, text, reason] of cases) {
      it(what, () => {
        expect(() => parseXml(text)).to.throw(/^malformed XML \(.* at line \d+\)$/);
        expect(() => parseXml(text)).to.throw(reason);
      });
    }

    it("refuses a DTD's internal subset rather than expanding its entities", () => {
      expect(() => parseXml(`<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>`)).to.throw(/internal subset/);
    });

    it("names the line of the fault", () => {
      expect(() => parseXml(`<a>\n<b>\n</c>\n</a>`)).to.throw(/at line 3\)/);
      expect(() => parseXml(`<S>\n\n\n  fish & chips</S>`)).to.throw(/at line 4\)/);
      expect(() => parseXml(`<S>\r\n\r\n  fish & chips</S>`)).to.throw(/at line 3\)/);
    });
  });

  describe("namespaces, per element", () => {
    it("leaves out a child in another namespace than its parent, so it cannot stand in for EM's element", () => {
      const doc = parseXml(`<Ref xmlns="${NS}" xmlns:x="http://example.com/evil" Name="good"><x:Name>evil</x:Name><Links><Link xmlns="http://example.com/evil" Href="evil" /><Link Href="good" /></Links><Description xmlns="">evil</Description></Ref>`);
      expect(doc.body).to.deep.equal({ Links: { Link: [{ Href: "good" }] }, Name: "good" });
    });

    it("leaves out a foreign element's whole subtree, even children back in EM's namespace", () => {
      const doc = parseXml(`<Task xmlns="${NS}"><x:Wrap xmlns:x="urn:other"><State xmlns="${NS}">Finished</State></x:Wrap><State>Running</State></Task>`);
      expect(doc.body).to.deep.equal({ State: "Running" });
    });

    it("keeps a prefixed element in EM's namespace, and a declaration's scope ends with its element", () => {
      const doc = parseXml(`<Task xmlns="${NS}"><em:State xmlns:em="${NS}">Finished</em:State><Result xmlns:em="urn:other"><em:Message>x</em:Message></Result></Task>`);
      expect(doc.body).to.deep.equal({ State: "Finished", Result: "" });
    });

    it("drops a prefixed attribute in another namespace than xsi's, whatever its local name", () => {
      const doc = parseXml(`<Ref xmlns="${NS}" xmlns:x="urn:other" x:Href="evil" x:Name="evil" Name="good" />`);
      expect(doc.body).to.deep.equal({ Name: "good" });
    });

    it("refuses an undeclared prefix", () => {
      expect(() => parseXml(`<a><x:b /></a>`)).to.throw(/prefix 'x' of <x:b> is not declared/);
      expect(() => parseXml(`<a x:y="1" />`)).to.throw(/prefix 'x' of the attribute 'x:y' is not declared/);
    });
  });

  describe("bounded in time and memory, hostile or large", () => {
    /** Characters the reader examined per character of the answer: a constant for a linear read. */
    function cost(text: string): { work: XmlWork; perChar: number } {
      const work: XmlWork = { scanned: 0, elements: 0, deepest: 0 };
      parseXml(text, work);
      return { work, perChar: work.scanned / text.length };
    }
    /** The most a read may examine per character: the text once, each search once, each value decoded once. */
    const LINEAR = 3;

    const limitError = (text: string) => {
      try {
        parseXml(text);
      } catch (err) {
        return err as Error;
      }
      throw new Error("no error");
    };

    it("refuses an element with 100,000 attributes (1 MB), naming the limit", () => {
      const attrs = Array.from({ length: 100_000 }, (_, i) => ` a${i}=""`).join("");
      const err = limitError(`<a${attrs}/>`);
      expect(err).to.be.instanceOf(AnswerLimitError);
      expect(err.message).to.match(new RegExp(`an element <a> with more attributes than ${ANSWER_LIMITS.attributes}, the most this client reads`));
    });

    it("reads elements with as many attributes as allowed in linear work (a repeated one still found)", () => {
      const one = `<e${Array.from({ length: ANSWER_LIMITS.attributes }, (_, i) => ` a${i}="v${i}"`).join("")}/>`;
      const text = `<r>${one.repeat(300)}</r>`;
      const { work, perChar } = cost(text);
      expect(work.elements).to.equal(301);
      expect(perChar).to.be.at.most(LINEAR);
      expect(() => parseXml(`<e${Array.from({ length: 100 }, (_, i) => ` a${i}=""`).join("")} a99="" />`)).to.throw(/'a99' is repeated/);
    });

    it("reads 400,000 small elements (1.6 MB) in linear work, and refuses more than the element limit", () => {
      const text = `<r>${"<a/>".repeat(400_000)}</r>`;
      const { work, perChar } = cost(text);
      expect(work.elements).to.equal(400_001);
      expect(perChar).to.be.at.most(LINEAR);
      const err = limitError(`<r>${"<a/>".repeat(ANSWER_LIMITS.elements)}</r>`);
      expect(err).to.be.instanceOf(AnswerLimitError);
      expect(err.message).to.match(new RegExp(`more elements than ${ANSWER_LIMITS.elements}`));
    });

    it("reads text split by 200,000 comments, CDATA sections and references in linear work", () => {
      const text = `<r>${"x<!---->".repeat(100_000)}${"y<![CDATA[z]]>".repeat(50_000)}${"&amp;".repeat(50_000)}</r>`;
      const { perChar } = cost(text);
      expect(perChar).to.be.at.most(LINEAR);
      const body = parseXml(text).body as string;
      expect(body.length).to.equal(100_000 + 100_000 + 50_000);
    });

    it("reads many values without '&' or '<' far from the next in linear work", () => {
      const text = `<r>${`<v n="${"n".repeat(20)}">${"t".repeat(20)}</v>`.repeat(50_000)}</r>`;
      expect(cost(text).perChar).to.be.at.most(LINEAR);
    });

    it("refuses nesting deeper than the limit, not with a RangeError, and reads nesting up to it", () => {
      const deep = (n: number) => "<a>".repeat(n) + "</a>".repeat(n);
      const err = limitError(deep(100_000));
      expect(err).to.be.instanceOf(AnswerLimitError);
      expect(err.message).to.match(new RegExp(`elements nested deeper than ${ANSWER_LIMITS.depth}`));
      expect(cost(deep(ANSWER_LIMITS.depth)).work.deepest).to.equal(ANSWER_LIMITS.depth);
    });

    it("refuses a second DOCTYPE (each would be searched again)", () => {
      expect(() => parseXml(`<!DOCTYPE a><!DOCTYPE a><a/>`)).to.throw(/unexpected '<!'/);
    });

    it("reads an unpaged list of 20,000 accounts, as EM writes it, whole and in linear work", () => {
      const api = "https://em.example.com:9398/api";
      const ref = (i: number) => {
        const id = `${String(i).padStart(8, "0")}-1111-2222-3333-444455556666`;
        return `  <Ref UID="urn:veeam:EnterpriseAccount:${id}" Name="TECH\\user.${i}" Href="${api}/security/accounts/${id}" Type="EnterpriseAccountReference">
    <Links>
      <Link Href="${api}/security/accounts/${id}?format=Entity" Name="TECH\\user.${i}" Type="EnterpriseAccount" Rel="Alternate" />
      <Link Href="${api}/security/accounts/${id}/roles" Type="EnterpriseAccountInRoleList" Rel="Down" />
    </Links>
  </Ref>\r\n`;
      };
      const text = `<?xml version="1.0" encoding="utf-8"?>\r\n<EntityReferences xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="${NS}">\r\n${Array.from({ length: 20_000 }, (_, i) => ref(i)).join("")}</EntityReferences>\r\n`;
      const { work, perChar } = cost(text);
      expect(work.elements).to.equal(1 + 20_000 * 4);
      expect(perChar).to.be.at.most(LINEAR);
      const refs = parseEntityReferences(parseXml(text).body);
      expect(refs).to.have.length(20_000);
      expect(refs[19_999]).to.include({ name: "TECH\\user.19999", id: "00019999-1111-2222-3333-444455556666" });
    });
  });

  describe("JSON answers, bounded", () => {
    it("refuses JSON nested a million deep with the limit named, not a RangeError of a reader that recurses", () => {
      const text = `{"Refs":${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}}`;
      expect(() => decodeBody(text)).to.throw(AnswerLimitError, new RegExp(`nested deeper than ${ANSWER_LIMITS.depth}`));
    });

    it("refuses JSON with more values than the limit, and counts values inside strings as text", () => {
      expect(() => decodeBody(`{"Refs":[${"0,".repeat(ANSWER_LIMITS.elements)}0]}`)).to.throw(AnswerLimitError, /more values than/);
      expect(decodeBody(`{"Name":"${"[,".repeat(100_000)}\\"{"}`).body).to.deep.equal({ Name: `${"[,".repeat(100_000)}"{` });
    });
  });
});

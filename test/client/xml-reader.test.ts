import { expect } from "chai";
import { parseXml } from "../../provider/client/codec";

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
});

using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Clip.Text;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Clip.Text;

/// <summary>
/// The cleaning steps against their Python references: expected strings are what CPython 3.11's <c>html.unescape</c>,
/// <c>str.lower</c> and <c>re.sub(r'\s+', ' ', ...)</c> return, and the results that ftfy's documentation gives for
/// its fixes.
/// </summary>
[TestClass]
public class ClipTextCleanerTests
{
    [TestMethod]
    [DataRow("&notanentity; & alone", "\u00ACanentity; & alone")]
    [DataRow("&#150;", "\u2013")]
    [DataRow("a&#0;b", "a\uFFFDb")]
    [DataRow("a&#1;b", "ab")]
    [DataRow("&#13;", "\r")]
    [DataRow("&amp;amp;", "&amp;")]
    [DataRow("&copy2024", "\u00A92024")]
    [DataRow("&checkmark; &NotEqualTilde;", "\u2713 \u2242\u0338")]
    [DataRow("&#x1F600; &#xD800; &#1114112;", "\U0001F600 \uFFFD \uFFFD")]
    [DataRow("&#65&#x42;C", "ABC")]
    [DataRow("&ampx &amp", "&x &")]
    public void UnescapeMatchesPythonHtmlUnescape(string input, string expected)
    {
        Assert.AreEqual(expected, HtmlUnescaper.Unescape(input));
    }

    [TestMethod]
    public void UnescapeDiffersFromWebUtilityWhereThePipelineNeedsPython()
    {
        // The cases that rule out System.Net.WebUtility.HtmlDecode for CLIP's cleaning.
        Assert.AreNotEqual(HtmlUnescaper.Unescape("&notanentity;"), System.Net.WebUtility.HtmlDecode("&notanentity;"));
        Assert.AreNotEqual(HtmlUnescaper.Unescape("&checkmark;"), System.Net.WebUtility.HtmlDecode("&checkmark;"));
        Assert.AreNotEqual(HtmlUnescaper.Unescape("&#150;"), System.Net.WebUtility.HtmlDecode("&#150;"));
    }

    [TestMethod]
    [DataRow("P&EACUTE;REZ", "P\u00C9REZ")]
    [DataRow("BUNDESSTRA&SZLIG;E", "BUNDESSTRASSE")]
    [DataRow("&ntilde; &Ntilde; &NTILDE; &nTILDE;", "\u00F1 \u00D1 \u00D1 &nTILDE;")]
    [DataRow("&Jscr;ohn &HilbertSpace;ancock", "\U0001D4A5ohn \u210Bancock")]
    [DataRow("&ntilde &notanentity; &#65;&#x42; &#65x;", "&ntilde &notanentity; AB &#65x;")]
    public void StrictUnescapeFollowsFtfy(string input, string expected)
    {
        Assert.AreEqual(expected, HtmlUnescaper.UnescapeStrict(input));
    }

    [TestMethod]
    [DataRow("\u0130stanbul", "i\u0307stanbul")]
    [DataRow("\u039F\u0394\u039F\u03A3", "\u03BF\u03B4\u03BF\u03C2")]
    [DataRow("\u03A3\u0391\u03A3 \u03A3\u0391\u03A3.", "\u03C3\u03B1\u03C2 \u03C3\u03B1\u03C2.")]
    [DataRow("\u03A3", "\u03C3")]
    [DataRow("A\u03A3'\u0392", "a\u03C3'\u03B2")]
    [DataRow("\u0391\u03A3.", "\u03B1\u03C2.")]
    [DataRow("HELLO World", "hello world")]
    public void LowerMatchesPythonStrLower(string input, string expected)
    {
        Assert.AreEqual(expected, PythonText.Lower(input));
    }

    [TestMethod]
    public void WhitespaceMatchesPythonRegex()
    {
        // Python: re.sub(r'\s+', ' ', " a\x1c\x1fb\u3000c\u200bd ").strip() == 'a b c\u200bd'
        Assert.AreEqual("a b c\u200Bd", PythonText.Strip(PythonText.CollapseWhitespace(" a\u001C\u001Fb\u3000c\u200Bd ")));
    }

    [TestMethod]
    [DataRow("\uFF2C\uFF2F\uFF35\uFF24\u3000\uFF2E\uFF2F\uFF29\uFF33\uFF25\uFF33", "LOUD NOISES")]
    [DataRow("\uFB02u\uFB03e\uFB06", "fluffiest")]
    [DataRow("\u201Chere\u2019s a test\u201D", "\"here's a test\"")]
    [DataRow("sch\u00C3\u00B6n", "sch\u00F6n")]
    [DataRow("This \u00E2\u20AC\u201D should be an em dash", "This \u2014 should be an em dash")]
    [DataRow("\u00E2\u20AC\u0153mojibake quotes\u00E2\u20AC\u009D", "\"mojibake quotes\"")]
    [DataRow("\u65E5\u672C caf\u00C3\u00A9", "\u65E5\u672C caf\u00E9")]
    [DataRow("\u0080uro", "\u20ACuro")]
    [DataRow("\u001B[36;44mI'm blue\u001B[0m", "I'm blue")]
    [DataRow("one\r\ntwo\rthree\u2028four", "one\ntwo\nthree\nfour")]
    [DataRow("bell\u0007 nul\u0000 bom\uFEFF", "bell nul bom")]
    [DataRow("cafe\u0301", "caf\u00E9")]
    [DataRow("Tom &amp;amp; Jerry", "Tom & Jerry")]
    [DataRow("<b>&amp;</b>", "<b>&amp;</b>")]
    public void FixTextFollowsFtfy(string input, string expected)
    {
        Assert.AreEqual(expected, ClipTextCleaner.FixText(input));
    }

    [TestMethod]
    [DataRow("na\u00EFve r\u00E9sum\u00E9 \u00C5ngstr\u00F6m Stra\u00DFe \u00BD \u00B13 \u00A9 2024 \u00A0end")]
    [DataRow("\u041F\u0440\u0438\u0432\u0435\u0442, \u043C\u0438\u0440! \u0414\u0406 \u041F\u0406")]
    [DataRow("\u0391\u03B8\u03AE\u03BD\u03B1 \u039F\u0394\u039F\u03A3")]
    [DataRow("\u2211 \u222B \u221A \u221E \u2260 \u2264 \u221A\u221E")]
    [DataRow("\u00A3 \u00B0C x\u00B2 \u20AC100 \u2014 \u2026")]
    [DataRow("soft\u00ADhyphen and \u00C5 alone")]
    public void FixTextLeavesIntactTextAlone(string text)
    {
        Assert.AreEqual(text, ClipTextCleaner.FixText(text));
    }

    [TestMethod]
    public void CleanRunsTheWholePipeline()
    {
        // ftfy (entities, fullwidth, curly quote), html.unescape twice, whitespace collapse, strip, str.lower.
        Assert.AreEqual("tom & jerry ! don't i\u0307stanbul \u03BF\u03B4\u03BF\u03C2",
            ClipTextCleaner.Clean("  Tom &amp;amp; Jerry\t\u3000\uFF01 don\u2019t\r\n \u0130stanbul \u039F\u0394\u039F\u03A3  "));
        Assert.AreEqual("<b>&</b>", ClipTextCleaner.Clean("<B>&amp;amp;</B>"));
    }
}

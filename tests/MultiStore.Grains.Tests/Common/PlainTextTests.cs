using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Grains.Tests.Common;

public sealed class PlainTextTests
{
    /// <summary>
    /// One of each kind of character free text refuses, by name. Tests take the name: xunit sends theory data as UTF-8
    /// between processes, which turns half a character into U+FFFD before the test sees it.
    /// </summary>
    private static readonly Dictionary<string, string> Samples = new()
    {
        { "nul", "a\0b" },
        { "escape", "esc\u001b[2J" },
        { "line-feed", "a\nb" },
        { "tab", "a\tb" },
        { "bidi-override", "photo\u202Egpj.exe" },
        { "bidi-embedding", "a\u202Ab" },
        { "bidi-pop", "a\u202Cb" },
        { "bidi-isolate", "a\u2066b\u2069" },
        { "first-strong-isolate", "a\u2068b" },
        { "line-separator", "a\u2028b" },
        { "paragraph-separator", "a\u2029b" },
        { "lone-high-surrogate", "a\uD83Db" },
        { "lone-low-surrogate", "a\uDE00b" },
        { "high-surrogate-at-end", "a\uD83D" },
        { "swapped-surrogates", "\uDE00\uD83D" },
    };

    public static TheoryData<string> Refused => new(Samples.Keys);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Argan oil 250 ml")]
    [InlineData("Café crème, ½ price")]
    [InlineData("\u0645\u062A\u062C\u0631 \u200F\u05E9\u05DC\u05D5\u05DD")]
    [InlineData("Gift \uD83C\uDF81 box \uD83D\uDE00")]
    [InlineData("\u00AD\u200B\u200D")]
    public void IsPlain_AnyScriptMarksAndWholeEmoji_IsTrue(string? text) => Assert.True(PlainText.IsPlain(text));

    [Theory]
    [MemberData(nameof(Refused))]
    public void IsPlain_WithARefusedCharacter_IsFalse(string kind) => Assert.False(PlainText.IsPlain(Samples[kind]), kind);

    [Theory]
    [InlineData("Line one\nLine two")]
    [InlineData("Care:\r\n\t- wash cold")]
    public void IsPlain_LineBreaksAllowed_KeepsLineFeedsReturnsAndTabs(string text) => Assert.True(PlainText.IsPlain(text, allowLineBreaks: true));

    [Theory]
    [MemberData(nameof(Refused))]
    public void IsPlain_LineBreaksAllowed_StillRefusesTheOtherKinds(string kind)
    {
        if (kind is not ("line-feed" or "tab"))
        {
            Assert.False(PlainText.IsPlain(Samples[kind], allowLineBreaks: true), kind);
        }
    }

    [Theory]
    [InlineData("plain \uD83D\uDE00", "plain \uD83D\uDE00")]
    [InlineData("a\0b\nc", "a?b?c")]
    [InlineData("photo\u202Egpj.exe", "photo?gpj.exe")]
    [InlineData("a\u2028b\u2069", "a?b?")]
    public void Plain_ReplacesEachRefusedCharacterAndKeepsWholeOnes(string text, string expected) =>
        Assert.Equal(expected, PlainText.Plain(text));

    [Fact]
    public void Plain_HalvesOfCharacters_BecomeOneReplacementEach() =>
        Assert.Equal("?\uD83D\uDE00?", PlainText.Plain("\uDE00\uD83D\uDE00\uD83D"));
}

namespace MultiStore.Grains.Interfaces.Common;

/// <summary>
/// What free text (a reason, a name, a description, a payment reference) may hold: any script, but none of the
/// characters that act on what surrounds them once the text is shown in an admin page, a CSV export, a log line or
/// the audit trail. The one rule every validator of free text uses, grain side and API side.
/// </summary>
public static class PlainText
{
    /// <summary>What an <see cref="Plain"/> text holds in place of each character it could not keep.</summary>
    public const char Replacement = '?';

    /// <summary>
    /// True when <paramref name="text"/> (null counts as plain) has none of: control characters (a NUL, an escape
    /// sequence), bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069: they turn the
    /// rest of a line around, so "gpj.exe" reads as "exe.jpg"), the line and paragraph separators U+2028 and U+2029
    /// (a line break most parsers do not count), and half a character (a UTF-16 surrogate without its other half,
    /// which PostgreSQL's client cannot encode). With <paramref name="allowLineBreaks"/>, '\n', '\r' and '\t' are
    /// kept: descriptions run over lines.
    /// </summary>
    public static bool IsPlain(string? text, bool allowLineBreaks = false) =>
        text is null || FirstRefused(text, allowLineBreaks) < 0;

    /// <summary>
    /// <paramref name="text"/> with every character <see cref="IsPlain"/> refuses (line breaks included) replaced by
    /// <see cref="Replacement"/>: for text the platform records but does not choose, such as a token's subject.
    /// </summary>
    public static string Plain(string text)
    {
        var first = FirstRefused(text, allowLineBreaks: false);
        if (first < 0)
        {
            return text;
        }

        var characters = text.ToCharArray();
        for (var index = first; index < characters.Length; index++)
        {
            if (IsSurrogatePairAt(characters, index))
            {
                index++;
            }
            else if (IsRefused(characters[index], allowLineBreaks: false))
            {
                characters[index] = Replacement;
            }
        }

        return new string(characters);
    }

    /// <summary>The index of the first character refused, or -1.</summary>
    private static int FirstRefused(ReadOnlySpan<char> text, bool allowLineBreaks)
    {
        for (var index = 0; index < text.Length; index++)
        {
            if (IsSurrogatePairAt(text, index))
            {
                index++;
            }
            else if (IsRefused(text[index], allowLineBreaks))
            {
                return index;
            }
        }

        return -1;
    }

    private static bool IsSurrogatePairAt(ReadOnlySpan<char> text, int index) =>
        index + 1 < text.Length && char.IsSurrogatePair(text[index], text[index + 1]);

    /// <summary>Whether one character, not the first half of a pair, is refused (a surrogate here stands alone).</summary>
    private static bool IsRefused(char character, bool allowLineBreaks) =>
        character switch
        {
            '\n' or '\r' or '\t' => !allowLineBreaks,
            '\u2028' or '\u2029' => true,
            >= '\u202A' and <= '\u202E' => true,
            >= '\u2066' and <= '\u2069' => true,
            _ => char.IsControl(character) || char.IsSurrogate(character),
        };
}

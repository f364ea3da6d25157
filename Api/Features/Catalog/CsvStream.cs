using System.Text;

namespace MultiStore.Api.Features.Catalog;

/// <summary>
/// RFC 4180 CSV, read one record at a time from a stream (fields may be quoted, with "" for a quote and line breaks
/// inside quotes) and written with quotes only where needed. Small on purpose: the catalog needs nothing more.
/// </summary>
public static class CsvStream
{
    /// <summary>A record that breaks RFC 4180 (a quote inside an unquoted field, an unterminated quoted field).</summary>
    public sealed class MalformedException(string message) : Exception(message);

    /// <summary>The records of <paramref name="reader"/>, each as its fields; a record is at most <paramref name="maxRecordLength"/> characters.</summary>
    public static async IAsyncEnumerable<string[]> ReadAsync(TextReader reader, int maxRecordLength = 64 * 1024)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var buffer = new char[8192];
        bool inQuotes = false, quoted = false, pendingQuote = false, pendingCr = false, any = false;
        var length = 0;
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory())) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var c = buffer[i];
                if (++length > maxRecordLength)
                {
                    throw new MalformedException($"A record is longer than {maxRecordLength} characters.");
                }

                if (pendingCr)
                {
                    pendingCr = false;
                    if (c == '\n')
                    {
                        continue;
                    }
                }

                any = true;
                if (inQuotes)
                {
                    if (pendingQuote)
                    {
                        pendingQuote = false;
                        if (c == '"')
                        {
                            field.Append('"');
                            continue;
                        }

                        inQuotes = false;
                    }
                    else if (c == '"')
                    {
                        pendingQuote = true;
                        continue;
                    }
                    else
                    {
                        field.Append(c);
                        continue;
                    }
                }

                switch (c)
                {
                    case ',':
                        fields.Add(field.ToString());
                        field.Clear();
                        quoted = false;
                        break;
                    case '\r' or '\n':
                        fields.Add(field.ToString());
                        yield return [.. fields];
                        fields.Clear();
                        field.Clear();
                        quoted = false;
                        any = false;
                        length = 0;
                        pendingCr = c == '\r';
                        break;
                    case '"' when field.Length == 0 && !quoted:
                        inQuotes = quoted = true;
                        break;
                    case '"':
                        throw new MalformedException("A quote inside a field must be in a quoted field, doubled.");
                    default:
                        if (quoted)
                        {
                            throw new MalformedException("Text after a quoted field's closing quote.");
                        }

                        field.Append(c);
                        break;
                }
            }
        }

        if (inQuotes && !pendingQuote)
        {
            throw new MalformedException("A quoted field is not closed.");
        }

        if (any)
        {
            fields.Add(field.ToString());
            yield return [.. fields];
        }
    }

    /// <summary>One record as a line (CRLF-terminated, as RFC 4180 has it).</summary>
    public static string Line(IEnumerable<string> fields) => string.Join(',', fields.Select(Quote)) + "\r\n";

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (field.Length > 0 && (char.IsWhiteSpace(field[0]) || char.IsWhiteSpace(field[^1])))
            ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\""
            : field;
}

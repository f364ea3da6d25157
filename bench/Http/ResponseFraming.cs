using System.Buffers.Text;
using System.Text;

namespace MultiStore.Bench.Http;

/// <summary>One whole HTTP/1.1 response at the start of the bytes read: its status, its length and whether the connection stays open.</summary>
internal readonly record struct ResponseFrame(int StatusCode, int Length, bool KeepAlive);

/// <summary>
/// Finds where an HTTP/1.1 response ends (RFC 9112): the status line, the header fields, then a body framed by
/// <c>Content-Length</c> or by the chunked coding. The load client needs nothing else from a response: it reads the
/// status and drops the body. Anything it cannot frame throws <see cref="InvalidDataException"/>, so a broken answer is
/// an error of the call rather than a misread status.
/// </summary>
internal static class ResponseFraming
{
    /// <summary>The most a status line and its header fields (or a chunk-size line) may take.</summary>
    public const int MaxHeadBytes = 16 * 1024;

    private static ReadOnlySpan<byte> LineEnd => "\r\n"u8;

    private static ReadOnlySpan<byte> HeadEnd => "\r\n\r\n"u8;

    private static ReadOnlySpan<byte> Whitespace => " \t"u8;

    /// <summary>True when <paramref name="data"/> starts with a whole response; false when more bytes are needed.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out ResponseFrame frame)
    {
        frame = default;
        var headLength = data.IndexOf(HeadEnd);
        if (headLength < 0)
        {
            return data.Length <= MaxHeadBytes ? false : throw new InvalidDataException($"No end of the response head within {MaxHeadBytes} bytes.");
        }

        var headBytes = data[..headLength];
        var statusLineLength = headBytes.IndexOf(LineEnd);
        var statusCode = ParseStatusLine(statusLineLength < 0 ? headBytes : headBytes[..statusLineLength], out var isHttp10);
        var head = ReadFields(statusLineLength < 0 ? [] : headBytes[(statusLineLength + LineEnd.Length)..], isHttp10);

        var bodyStart = headLength + HeadEnd.Length;
        int length;
        if (statusCode is 204 or 304)
        {
            length = bodyStart;
        }
        else if (head.Chunked)
        {
            if (!TryFindChunkedEnd(data, bodyStart, out length))
            {
                return false;
            }
        }
        else if (head.ContentLength is { } contentLength)
        {
            if (data.Length - bodyStart < contentLength)
            {
                return false;
            }

            length = bodyStart + (int)contentLength;
        }
        else
        {
            throw new InvalidDataException("A response without Content-Length or chunked coding ends only when the connection closes; the load client keeps connections open.");
        }

        frame = new ResponseFrame(statusCode, length, head.KeepAlive);
        return true;
    }

    /// <summary>Reads <c>HTTP/1.x NNN reason</c>: answers the status code (interim 1xx answers are refused: no request asks for one).</summary>
    private static int ParseStatusLine(ReadOnlySpan<byte> line, out bool isHttp10)
    {
        // "HTTP/1.1 200" at least: the version, one space, three digits, then nothing or a space and the reason.
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || !char.IsAsciiDigit((char)line[7]) || line[8] != (byte)' '
            || (line.Length > 12 && line[12] != (byte)' ')
            || !Utf8Parser.TryParse(line.Slice(9, 3), out int statusCode, out var used) || used != 3 || statusCode < 100)
        {
            throw new InvalidDataException($"Not an HTTP/1.x status line: '{Printable(line)}'.");
        }

        if (statusCode < 200)
        {
            throw new InvalidDataException($"An interim response ({statusCode}): the load client sends nothing that asks for one.");
        }

        isHttp10 = line[7] == (byte)'0';
        return statusCode;
    }

    private readonly record struct Head(long? ContentLength, bool Chunked, bool KeepAlive);

    private static Head ReadFields(ReadOnlySpan<byte> fields, bool isHttp10)
    {
        long? contentLength = null;
        var chunked = false;
        var keepAlive = !isHttp10;
        while (!fields.IsEmpty)
        {
            var end = fields.IndexOf(LineEnd);
            var line = end < 0 ? fields : fields[..end];
            fields = end < 0 ? [] : fields[(end + LineEnd.Length)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                throw new InvalidDataException($"Not a header field: '{Printable(line)}'.");
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(Whitespace);
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!Utf8Parser.TryParse(value, out long length, out var used) || used != value.Length || length is < 0 or > int.MaxValue
                    || (contentLength is { } earlier && earlier != length))
                {
                    throw new InvalidDataException($"A Content-Length that is not one length: '{Printable(value)}'.");
                }

                contentLength = length;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                // Only a final chunked coding frames the body; any other ends with the connection.
                var lastComma = value.LastIndexOf((byte)',');
                var last = (lastComma < 0 ? value : value[(lastComma + 1)..]).Trim(Whitespace);
                chunked = Ascii.EqualsIgnoreCase(last, "chunked"u8)
                    ? true
                    : throw new InvalidDataException($"A transfer coding the load client cannot frame: '{Printable(value)}'.");
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                keepAlive = HasToken(value, "close"u8) ? false : keepAlive || HasToken(value, "keep-alive"u8);
            }
        }

        return new Head(contentLength, chunked, keepAlive);
    }

    /// <summary>Walks the chunks from <paramref name="position"/>: each is a hex size line, the data and CRLF; a 0 size, trailer fields and an empty line end it.</summary>
    private static bool TryFindChunkedEnd(ReadOnlySpan<byte> data, int position, out int end)
    {
        end = 0;
        while (true)
        {
            if (!TryReadLine(data, ref position, out var sizeLine))
            {
                return false;
            }

            var extension = sizeLine.IndexOf((byte)';');
            var sizeField = (extension < 0 ? sizeLine : sizeLine[..extension]).Trim(Whitespace);
            if (!Utf8Parser.TryParse(sizeField, out ulong size, out var used, 'x') || used != sizeField.Length || sizeField.IsEmpty || size > int.MaxValue)
            {
                throw new InvalidDataException($"Not a chunk size: '{Printable(sizeLine)}'.");
            }

            if (size == 0)
            {
                // Trailer fields, if any, up to an empty line.
                while (TryReadLine(data, ref position, out var trailer))
                {
                    if (trailer.IsEmpty)
                    {
                        end = position;
                        return true;
                    }
                }

                return false;
            }

            if (data.Length - position < (long)size + LineEnd.Length)
            {
                return false;
            }

            position += (int)size;
            if (!data.Slice(position, LineEnd.Length).SequenceEqual(LineEnd))
            {
                throw new InvalidDataException("A chunk's data does not end with CRLF.");
            }

            position += LineEnd.Length;
        }
    }

    private static bool TryReadLine(ReadOnlySpan<byte> data, ref int position, out ReadOnlySpan<byte> line)
    {
        var rest = data[position..];
        var length = rest.IndexOf(LineEnd);
        if (length < 0)
        {
            line = default;
            return rest.Length <= MaxHeadBytes ? false : throw new InvalidDataException($"No line end within {MaxHeadBytes} bytes of a chunked body.");
        }

        line = rest[..length];
        position += length + LineEnd.Length;
        return true;
    }

    private static bool HasToken(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        foreach (var range in value.Split((byte)','))
        {
            if (Ascii.EqualsIgnoreCase(value[range].Trim(Whitespace), token))
            {
                return true;
            }
        }

        return false;
    }

    private static string Printable(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes[..Math.Min(bytes.Length, 100)]);
}

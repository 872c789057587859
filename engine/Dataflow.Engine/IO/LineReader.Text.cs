using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Dataflow.IO;

// The string layer over the byte-line core: UTF-8 with invalid bytes replaced by U+FFFD (Encoding.UTF8's
// default), the same text as decoding the whole file and splitting it, because '\n' is never part of a
// multi-byte sequence and so also ends every invalid one.
internal sealed partial class LineReader
{
    // Decoding per line costs a call and a validation pass per line; decoding every complete line in the
    // buffer at once and cutting the chars is several times cheaper for the short lines typical of text input.
    private char[] _chars = [];
    private int _charPos;
    private int _charLen;

    /// <summary>Lazily reads the lines of <paramref name="split"/> as strings, closing the file when enumeration ends.</summary>
    /// <param name="split">The range to read.</param>
    /// <param name="token">Checked before every line.</param>
    public static IEnumerable<string> ReadLines(TextSplit split, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(split);
        return Iterate(split, token);

        static IEnumerable<string> Iterate(TextSplit split, CancellationToken token)
        {
            using var reader = Open(split);
            while (true)
            {
                token.ThrowIfCancellationRequested();
                if (!reader.TryReadLine(out string? line))
                {
                    yield break;
                }

                yield return line;
            }
        }
    }

    /// <summary>The remaining lines of this reader as strings; the caller disposes the reader.</summary>
    /// <param name="token">Checked before every line.</param>
    public IEnumerable<string> EnumerateLines(CancellationToken token)
    {
        while (true)
        {
            token.ThrowIfCancellationRequested();
            if (!TryReadLine(out string? line))
            {
                yield break;
            }

            yield return line;
        }
    }

    /// <summary>Reads the next line decoded as UTF-8.</summary>
    public bool TryReadLine([NotNullWhen(true)] out string? line)
    {
        if (_charPos < _charLen || DecodeBufferedLines())
        {
            line = NextDecodedLine();
            return true;
        }

        // The next line is not complete in the buffer: let the core read until it is.
        if (TryReadLineBytes(out var bytes))
        {
            line = Encoding.UTF8.GetString(bytes);
            return true;
        }

        line = null;
        return false;
    }

    private bool DecodeBufferedLines()
    {
        if (!TryTakeBufferedLines(out var block))
        {
            return false;
        }

        // UTF-8 never yields more UTF-16 chars than it has bytes.
        if (_chars.Length < block.Length)
        {
            _chars = new char[Math.Max(block.Length, Math.Min(DefaultBufferSize, 2 * _chars.Length))];
        }

        _charLen = Encoding.UTF8.GetChars(block, _chars);
        _charPos = 0;
        return true;
    }

    private string NextDecodedLine()
    {
        // The block ends with '\n', so every line in it has one.
        var rest = _chars.AsSpan(_charPos, _charLen - _charPos);
        int newline = rest.IndexOf('\n');
        var line = rest[..newline];
        _charPos += newline + 1;
        if (_stripCarriageReturn && line.Length > 0 && line[^1] == '\r')
        {
            line = line[..^1];
        }

        return line.Length == 0 ? string.Empty : new string(line);
    }
}

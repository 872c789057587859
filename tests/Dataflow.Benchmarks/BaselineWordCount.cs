using System.Text;

namespace Dataflow.Benchmarks;

/// <summary>
/// The hand-written baseline: two threads, each counting one half of the file (split at a line start) into its own
/// <see cref="Dictionary{TKey, TValue}"/> through a span-keyed alternate lookup, so no string is made per word; the
/// two dictionaries are merged at the end. Same word rule as the example: maximal runs of char.IsLetter chars,
/// lower-cased invariantly.
/// </summary>
internal static class BaselineWordCount
{
    public static Dictionary<string, int> Count(string path, int threads)
    {
        var length = new FileInfo(path).Length;
        var bounds = new long[threads + 1];
        bounds[threads] = length;
        using (var file = File.OpenRead(path))
        {
            for (var i = 1; i < threads; i++)
            {
                bounds[i] = NextLineStart(file, length * i / threads);
            }
        }

        var partials = new Dictionary<string, int>[threads];
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() => partials[i] = CountRange(path, bounds[i], bounds[i + 1]))).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        var merged = partials[0];
        for (var i = 1; i < threads; i++)
        {
            foreach (var (word, count) in partials[i])
            {
                merged[word] = merged.GetValueOrDefault(word) + count;
            }
        }

        return merged;
    }

    private static long NextLineStart(FileStream file, long position)
    {
        file.Position = position;
        int b;
        while ((b = file.ReadByte()) >= 0 && b != '\n')
        {
        }

        return file.Position;
    }

    private static Dictionary<string, int> CountRange(string path, long start, long end)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0);
        file.Position = start;
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[1 << 20];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length) + 1024];
        Span<char> lower = stackalloc char[256];
        var carry = 0;
        var remaining = end - start;
        while (remaining > 0)
        {
            var read = file.Read(bytes, 0, (int)Math.Min(bytes.Length, remaining));
            if (read == 0)
            {
                break;
            }

            remaining -= read;
            var decoded = decoder.GetChars(bytes, 0, read, chars, carry, flush: remaining == 0);
            var text = chars.AsSpan(0, carry + decoded);
            // Count complete words; a word touching the end of the buffer is carried into the next round.
            var i = 0;
            var wordStart = -1;
            for (; i < text.Length; i++)
            {
                if (char.IsLetter(text[i]))
                {
                    if (wordStart < 0)
                    {
                        wordStart = i;
                    }
                }
                else if (wordStart >= 0)
                {
                    Add(lookup, text[wordStart..i], lower);
                    wordStart = -1;
                }
            }

            if (wordStart >= 0 && remaining > 0)
            {
                text[wordStart..].CopyTo(chars);
                carry = text.Length - wordStart;
            }
            else
            {
                if (wordStart >= 0)
                {
                    Add(lookup, text[wordStart..], lower);
                }

                carry = 0;
            }
        }

        return counts;
    }

    private static void Add(Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup, ReadOnlySpan<char> word, Span<char> buffer)
    {
        var lowered = word.Length <= buffer.Length ? buffer[..word.Length] : new char[word.Length];
        word.ToLowerInvariant(lowered);
        if (lookup.TryGetValue(lowered, out var count))
        {
            lookup[lowered] = count + 1;
        }
        else
        {
            lookup[lowered] = 1;
        }
    }
}

using System.Globalization;
using Dataflow.MLlib.Linalg;

namespace Dataflow.MLlib.Data;

/// <summary>
/// Parses LIBSVM lines, <c>label index:value index:value ...</c>, one partition at a time: fields separated by runs of
/// spaces or tabs (leading and trailing ones allowed), indices 1-based and strictly ascending, <c>#</c> to the end of
/// the line a comment, blank and comment-only lines skipped. Indices come out 0-based.
/// </summary>
internal static class LibSvmParser
{
    private static readonly char[] s_blanks = [' ', '\t', '\r', '\f', '\v'];

    /// <summary>The largest 1-based index in the partition (0 when none), checking every line.</summary>
    public static int MaxIndex(IEnumerable<(string File, long Line, string Text)> rows)
    {
        var indices = new List<int>();
        var values = new List<double>();
        var max = 0;
        foreach (var (file, line, text) in rows)
        {
            if (TryParse(file, line, text, int.MaxValue, indices, values, out _) && indices.Count > 0)
            {
                max = Math.Max(max, indices[^1] + 1);
            }
        }

        return max;
    }

    /// <summary>The partition's points as sparse vectors of <paramref name="numFeatures"/> entries.</summary>
    public static IEnumerable<LabeledPoint> ParseRows(IEnumerable<(string File, long Line, string Text)> rows, int numFeatures)
    {
        var indices = new List<int>();
        var values = new List<double>();
        foreach (var (file, line, text) in rows)
        {
            if (TryParse(file, line, text, numFeatures, indices, values, out var label))
            {
                yield return new LabeledPoint(label, new SparseVector(numFeatures, [.. indices], [.. values]));
            }
        }
    }

    /// <summary>
    /// Parses one line into <paramref name="indices"/> (0-based) and <paramref name="values"/>, both cleared first;
    /// false for a blank or comment line. A <see cref="BadInputException"/> at <c>file:line</c> names what is wrong.
    /// </summary>
    public static bool TryParse(string file, long line, string text, int numFeatures, List<int> indices, List<double> values, out double label)
    {
        indices.Clear();
        values.Clear();
        label = 0;
        var span = text.AsSpan();
        var hash = span.IndexOf('#');
        if (hash >= 0)
        {
            span = span[..hash];
        }

        span = span.Trim(s_blanks);
        if (span.IsEmpty)
        {
            return false;
        }

        var first = true;
        var previous = 0;
        while (!span.IsEmpty)
        {
            var end = span.IndexOfAny(s_blanks);
            var token = end < 0 ? span : span[..end];
            span = end < 0 ? [] : span[end..].TrimStart(s_blanks);
            if (first)
            {
                if (!NumberField.TryParse(token, out label))
                {
                    throw new BadInputException(file, line, $"the label is {NumberField.Problem(token)}; a line is 'label index:value ...'");
                }

                first = false;
                continue;
            }

            var colon = token.IndexOf(':');
            if (colon < 0)
            {
                throw new BadInputException(file, line, $"{NumberField.Quote(token)} is not index:value; a line is 'label index:value ...', e.g. '1 3:0.5 7:2'");
            }

            var indexText = token[..colon];
            if (!int.TryParse(indexText, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index < 1)
            {
                throw new BadInputException(file, line,
                    $"feature index {NumberField.Quote(indexText)} in {NumberField.Quote(token)} is not a whole number ≥ 1; LIBSVM indices are 1-based");
            }

            if (index <= previous)
            {
                throw new BadInputException(file, line,
                    $"feature index {Text(index)} comes after {Text(previous)}; indices must be strictly ascending (each at most once); sort the entries of the line");
            }

            if (index > numFeatures)
            {
                throw new BadInputException(file, line,
                    $"feature index {Text(index)} needs at least {Text(index)} features, but the feature count is {Text(numFeatures)} (given, e.g. the model's); " +
                    "the data has more features than the model was trained with");
            }

            var valueText = token[(colon + 1)..];
            if (!NumberField.TryParse(valueText, out var value))
            {
                throw new BadInputException(file, line, $"the value of feature {Text(index)} is {NumberField.Problem(valueText)}");
            }

            indices.Add(index - 1);
            values.Add(value);
            previous = index;
        }

        return true;
    }

    private static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);
}

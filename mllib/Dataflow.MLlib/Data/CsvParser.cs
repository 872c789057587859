using System.Globalization;
using Dataflow.MLlib.Linalg;

namespace Dataflow.MLlib.Data;

/// <summary>
/// Parses CSV lines into labelled dense vectors, one partition at a time. Every file starts with a header row;
/// fields are separated by commas, may be surrounded by spaces and by one pair of double quotes (a quoted field
/// cannot contain a comma); blank lines are skipped.
/// </summary>
internal static class CsvParser
{
    /// <summary>The column names of a header line (byte-order mark, spaces and quotes removed).</summary>
    public static string[] SplitHeader(string text)
    {
        var line = text.AsSpan().TrimStart('\uFEFF');
        var names = new List<string>();
        foreach (var range in line.Split(','))
        {
            names.Add(Unquote(line[range]).ToString());
        }

        return [.. names];
    }

    /// <summary>
    /// The data rows of a partition as points; header rows (line 1 of each file) and blank lines are skipped.
    /// </summary>
    /// <param name="rows">The partition's numbered lines.</param>
    /// <param name="header">The column names, every file's.</param>
    /// <param name="labelIndex">The label's column, or −1 when there is none (every column a feature, labels 0).</param>
    public static IEnumerable<LabeledPoint> ParseRows(IEnumerable<(string File, long Line, string Text)> rows, string[] header, int labelIndex)
    {
        foreach (var (file, line, text) in rows)
        {
            if (line == 1 || text.AsSpan().IsWhiteSpace())
            {
                continue;
            }

            yield return ParseRow(file, line, text, header, labelIndex);
        }
    }

    /// <summary>One data row; a <see cref="BadInputException"/> at <c>file:line</c> names the bad field and the fix.</summary>
    public static LabeledPoint ParseRow(string file, long line, string text, string[] header, int labelIndex)
    {
        var features = new double[labelIndex < 0 ? header.Length : header.Length - 1];
        var label = 0.0;
        var span = text.AsSpan();
        var field = 0;
        foreach (var range in span.Split(','))
        {
            if (field >= header.Length)
            {
                throw WrongFieldCount(file, line, span, header.Length);
            }

            var value = Unquote(span[range]);
            if (!NumberField.TryParse(value, out var number))
            {
                throw new BadInputException(file, line,
                    $"column '{header[field]}' (field {(field + 1).ToString(CultureInfo.InvariantCulture)}) is {NumberField.Problem(value)}; fix the value or remove the row");
            }

            if (field == labelIndex)
            {
                label = number;
            }
            else
            {
                features[labelIndex < 0 || field < labelIndex ? field : field - 1] = number;
            }

            field++;
        }

        return field == header.Length
            ? new LabeledPoint(label, new DenseVector(features))
            : throw WrongFieldCount(file, line, span, header.Length);
    }

    private static BadInputException WrongFieldCount(string file, long line, ReadOnlySpan<char> text, int expected)
    {
        var found = text.Count(',') + 1;
        return new BadInputException(file, line,
            $"found {found.ToString(CultureInfo.InvariantCulture)} fields, but the header has {expected.ToString(CultureInfo.InvariantCulture)} columns; " +
            "every row needs one comma-separated value per header column");
    }

    private static ReadOnlySpan<char> Unquote(ReadOnlySpan<char> field)
    {
        var trimmed = field.Trim();
        return trimmed.Length >= 2 && trimmed[0] == '"' && trimmed[^1] == '"' ? trimmed[1..^1].Trim() : trimmed;
    }
}

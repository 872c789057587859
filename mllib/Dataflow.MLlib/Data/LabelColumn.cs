using System.Globalization;

namespace Dataflow.MLlib.Data;

/// <summary>
/// Which CSV column holds the label: by header name, by 0-based index, (the default) the last column, or
/// <see cref="None"/> for unlabelled data (clustering), where every column is a feature. Converts implicitly from a
/// name or an index, and <see cref="Parse"/> reads a command-line value (<c>--label-column</c>).
/// </summary>
/// <example><code>
/// await ctx.LoadCsvAsync("iris.csv");                        // label in the last column
/// await ctx.LoadCsvAsync("iris.csv", labelColumn: "label");  // by name
/// await ctx.LoadCsvAsync("iris.csv", labelColumn: 4);        // by index
/// await ctx.LoadCsvAsync("points.csv", LabelColumn.None);    // no label: all columns are features, labels 0
/// </code></example>
public readonly record struct LabelColumn
{
    private LabelColumn(string? name, int? index, bool none = false)
    {
        Name = name;
        Index = index;
        IsNone = none;
    }

    /// <summary>The last column of the header (the default).</summary>
    public static LabelColumn Last => default;

    /// <summary>No label column: every column is a feature and every point's label is 0.</summary>
    public static LabelColumn None => new(null, null, none: true);

    /// <summary>Whether this is <see cref="None"/>.</summary>
    public bool IsNone { get; }

    /// <summary>The column's header name, or null when chosen by index or last.</summary>
    public string? Name { get; }

    /// <summary>The column's 0-based index, or null when chosen by name or last.</summary>
    public int? Index { get; }

    /// <summary>Whether this is <see cref="Last"/>.</summary>
    public bool IsLast => !IsNone && Name is null && Index is null;

    /// <summary>The column with this header name (matched exactly, after trimming spaces and quotes).</summary>
    /// <param name="name">A column name of the header.</param>
    public static LabelColumn Named(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new(name.Trim(), null);
    }

    /// <summary>The column at this 0-based index.</summary>
    /// <param name="index">0 for the first column.</param>
    public static LabelColumn At(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new(null, index);
    }

    /// <summary>A command-line value: a whole number is an index, anything else a name.</summary>
    /// <param name="text">For example <c>label</c> or <c>4</c>.</param>
    public static LabelColumn Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? At(index)
            : Named(text);
    }

    /// <summary>The column with this header name.</summary>
    /// <param name="name">A column name.</param>
    public static implicit operator LabelColumn(string name) => Named(name);

    /// <summary>The column at this 0-based index.</summary>
    /// <param name="index">A 0-based index.</param>
    public static implicit operator LabelColumn(int index) => At(index);

    /// <summary>The label column's index in <paramref name="header"/> (−1 for <see cref="None"/>), or a
    /// <see cref="BadInputException"/> at <c>file:1</c> naming the columns there are.</summary>
    internal int Resolve(IReadOnlyList<string> header, string file)
    {
        if (IsNone)
        {
            return -1;
        }

        if (IsLast)
        {
            return header.Count - 1;
        }

        if (Index is { } index)
        {
            return index < header.Count
                ? index
                : throw new BadInputException(file, 1,
                    $"label column index {index} is past the {header.Count} columns of the header (0-based: 0..{header.Count - 1}); give --label-column a smaller index or a column name");
        }

        var name = Name!;
        for (var i = 0; i < header.Count; i++)
        {
            if (string.Equals(header[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new BadInputException(file, 1,
            $"no column named '{name}' in the header ({string.Join(", ", header)}); give --label-column one of these names or a 0-based index");
    }

    /// <summary>Describes the choice: <c>'label'</c>, <c>column 4</c>, <c>the last column</c> or <c>no label column</c>.</summary>
    public override string ToString() =>
        IsNone ? "no label column" : Name is not null ? $"'{Name}'" : Index is { } i ? $"column {i.ToString(CultureInfo.InvariantCulture)}" : "the last column";
}

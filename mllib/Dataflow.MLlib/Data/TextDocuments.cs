using Dataflow.MLlib.Linalg;
using Dataflow.Partitioning;

namespace Dataflow.MLlib.Data;

/// <summary>
/// The text format, <c>label&lt;TAB&gt;document</c> per line: features are the document's words — maximal runs of
/// letters (<see cref="char.IsLetter(char)"/>), lower-cased invariantly, as WordCount splits them — hashed with the
/// engine's <see cref="StableHash"/> modulo the feature count, with binary values (1 for every word present).
/// </summary>
internal static class TextDocuments
{
    /// <summary>The default feature count, 2^20.</summary>
    public const int DefaultFeatures = 1 << 20;

    /// <summary>The partition's points.</summary>
    public static IEnumerable<LabeledPoint> ParseRows(IEnumerable<(string File, long Line, string Text)> rows, int numFeatures)
    {
        var features = new SortedSet<int>();
        foreach (var (file, line, text) in rows)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var tab = text.IndexOf('\t', StringComparison.Ordinal);
            if (tab < 0)
            {
                throw new BadInputException(file, line,
                    $"no tab: a text-format line is 'label<TAB>document' (e.g. '1\tIt is a truth universally acknowledged'), got {NumberField.Quote(text)}");
            }

            var labelText = text.AsSpan(0, tab);
            if (!NumberField.TryParse(labelText, out var label))
            {
                throw new BadInputException(file, line, $"the label (before the tab) is {NumberField.Problem(labelText)}");
            }

            features.Clear();
            AddWords(text.AsSpan(tab + 1), numFeatures, features);
            var indices = features.ToArray();
            var values = new double[indices.Length];
            Array.Fill(values, 1.0);
            yield return new LabeledPoint(label, new SparseVector(numFeatures, indices, values));
        }
    }

    /// <summary>The feature of one word (already lower-cased): its stable hash modulo <paramref name="numFeatures"/>.</summary>
    public static int FeatureOf(ReadOnlySpan<char> word, int numFeatures) => (int)((uint)StableHash.String(word) % (uint)numFeatures);

    private static void AddWords(ReadOnlySpan<char> document, int numFeatures, SortedSet<int> features)
    {
        Span<char> lower = stackalloc char[256];
        var start = -1;
        for (var i = 0; i <= document.Length; i++)
        {
            if (i < document.Length && char.IsLetter(document[i]))
            {
                if (start < 0)
                {
                    start = i;
                }
            }
            else if (start >= 0)
            {
                var word = document[start..i];
                var buffer = word.Length <= lower.Length ? lower[..word.Length] : new char[word.Length];
                word.ToLowerInvariant(buffer);
                features.Add(FeatureOf(buffer, numFeatures));
                start = -1;
            }
        }
    }
}

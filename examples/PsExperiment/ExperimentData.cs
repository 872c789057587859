using Dataflow.CommandLine;
using Dataflow.Examples.LogisticRegression;
using Dataflow.MLlib.Data;
using Dataflow.MLlib.Linalg;

namespace Dataflow.Examples.PsExperiment;

/// <summary>The training data: the seeded synthetic set, the committed text data, or a file.</summary>
internal static class ExperimentData
{
    public const string TextFile = "tests/data/austen-vs-jargon.tsv";

    public static async Task<(Rdd<LabeledPoint> Points, string Description)> LoadAsync(DataflowContext ctx, Settings settings, CancellationToken cancellationToken)
    {
        switch (settings.Data.ToLowerInvariant())
        {
            case "synthetic":
                var nonZeros = settings.RowNonZeros ?? NonZeros(settings.Features, settings.Sparsity);
                return (ctx.Parallelize(Synthetic(settings.Rows, settings.Features, nonZeros, settings.Seed), settings.Workers),
                    $"synthetic: {settings.Rows} rows, {settings.Features} features, {nonZeros} non-zeros per row, seed {settings.Seed}");
            case "text":
                var text = FindTextData();
                return (await Inputs.LoadAsync(ctx, text, "text", LabelColumn.Last, settings.Features, settings.Workers, cancellationToken),
                    $"text: {TextFile}, words hashed into {settings.Features} features");
            default:
                var path = Path.GetFullPath(settings.Data);
                if (!File.Exists(path) && !Directory.Exists(path))
                {
                    throw new UsageException($"--data: '{settings.Data}' is not synthetic, text or an existing file.");
                }

                var format = Inputs.Format(null, path);
                return (await Inputs.LoadAsync(ctx, path, format, LabelColumn.Last, format == "text" ? settings.Features : null, settings.Workers, cancellationToken),
                    $"{format} file {settings.Data}");
        }
    }

    /// <summary>
    /// Seeded logistic data: each row has <paramref name="nnz"/> distinct features (<c>--nnz</c>, or round(sparsity ×
    /// features), at least 1) with N(0, 1) values; the label is 1 with probability σ(w*·x / √nnz) for w* ~ N(0, 1)
    /// drawn from the same seed.
    /// </summary>
    public static List<LabeledPoint> Synthetic(int rows, int features, int nnz, long seed)
    {
        var random = new Random(unchecked((int)seed));
        var truth = Enumerable.Range(0, features).Select(_ => Gaussian(random)).ToArray();
        var points = new List<LabeledPoint>(rows);
        for (var i = 0; i < rows; i++)
        {
            var indices = nnz == features ? Enumerable.Range(0, features).ToArray() : DistinctIndices(random, features, nnz);
            var values = indices.Select(_ => Gaussian(random)).ToArray();
            var margin = indices.Select((j, k) => truth[j] * values[k]).Sum() / Math.Sqrt(nnz);
            var label = random.NextDouble() < 1 / (1 + Math.Exp(-margin)) ? 1.0 : 0.0;
            Vector x = nnz == features ? Vectors.Dense(values) : Vectors.Sparse(features, indices, values);
            points.Add(new LabeledPoint(label, x));
        }

        return points;
    }

    /// <summary>Non-zeros per row from a share of the features: round(sparsity × features), between 1 and features.</summary>
    public static int NonZeros(int features, double sparsity) => Math.Clamp((int)Math.Round(sparsity * features), 1, features);

    private static int[] DistinctIndices(Random random, int features, int count)
    {
        var chosen = new HashSet<int>();
        while (chosen.Count < count)
        {
            chosen.Add(random.Next(features));
        }

        return [.. chosen.Order()];
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    // The committed text data, found from the working directory or the program's directory upwards.
    private static string FindTextData()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, TextFile);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new UsageException($"--data text: {TextFile} was not found above the working directory; run from the repository or give the file's path.");
    }
}

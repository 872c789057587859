using System.Globalization;
using Dataflow.MLlib.Linalg;

namespace Dataflow.MLlib.Tests.Support;

/// <summary>
/// A data set read and prepared here, independently of the library: features (standardised with the population
/// standard deviation when asked, then rounded to float32 as the training blocks store them) and labels.
/// </summary>
internal sealed record ReferenceData(double[][] X, double[] Y)
{
    public int Rows => X.Length;

    public int Features => X[0].Length;

    /// <summary>A CSV of tests/data whose last column is the label.</summary>
    public static ReferenceData FromCsv(string name, bool standardize)
    {
        var rows = DataFiles.ReadCsv(name);
        var d = rows[0].Length - 1;
        var x = rows.Select(r => r[..d]).ToArray();
        var y = rows.Select(r => r[d]).ToArray();
        if (standardize)
        {
            for (var j = 0; j < d; j++)
            {
                var mean = x.Average(r => r[j]);
                var std = Math.Sqrt(x.Average(r => (r[j] - mean) * (r[j] - mean)));
                foreach (var r in x)
                {
                    r[j] = std > 0 ? (r[j] - mean) / std : 0;
                }
            }
        }

        return new ReferenceData([.. x.Select(r => r.Select(v => (double)(float)v).ToArray())], y);
    }

    /// <summary>Random dense data: features uniform in [−1, 1] and a label from <paramref name="label"/>.</summary>
    public static ReferenceData Random(int rows, int features, int seed, Func<double[], Random, double> label)
    {
        var random = new Random(seed);
        var x = new double[rows][];
        var y = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            x[r] = [.. Enumerable.Range(0, features).Select(_ => (double)(float)(random.NextDouble() * 2 - 1))];
            y[r] = label(x[r], random);
        }

        return new ReferenceData(x, y);
    }

    /// <summary>The rows as points.</summary>
    public LabeledPoint[] Points() => [.. X.Select((r, i) => new LabeledPoint(Y[i], Vectors.Dense((double[])r.Clone())))];

    /// <summary>The rows as a CSV text with a header and the label last.</summary>
    public string ToCsv() =>
        string.Join(',', Enumerable.Range(0, Features).Select(j => $"f{j}").Append("label")) + "\n" +
        string.Concat(X.Select((r, i) => string.Join(',', r.Append(Y[i]).Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "\n"));
}

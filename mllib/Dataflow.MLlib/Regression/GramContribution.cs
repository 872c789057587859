using System.Numerics.Tensors;
using Dataflow.MLlib.Kernels;
using Dataflow.MLlib.Training;

namespace Dataflow.MLlib.Regression;

/// <summary>
/// The normal equations' sums over a block, with z = [x, 1]: the upper triangle of Σ z zᵀ packed row by row (row i
/// holds columns i..d), then Σ z·y, then Σ y², all float64.
/// </summary>
internal static class GramContribution
{
    /// <summary>Entries of the packed upper triangle of a (d + 1) × (d + 1) matrix.</summary>
    public static long TriangleLength(int features) => (long)(features + 1) * (features + 2) / 2;

    /// <summary>The length of the sums: the triangle, d + 1 entries of Σ z·y, and Σ y².</summary>
    public static long Length(int features) => TriangleLength(features) + features + 2;

    /// <summary>Where row <paramref name="i"/> of the packed triangle starts.</summary>
    public static long RowStart(int i, int features) => ((long)i * (features + 1)) - ((long)i * (i - 1) / 2);

    public static BlockContribution For(int features)
    {
        var triangle = (int)TriangleLength(features);
        return (block, _, sums, rows) =>
        {
            var z = new double[features + 1];
            var count = rows?.Length ?? block.Rows;
            for (var k = 0; k < count; k++)
            {
                var r = rows is null ? k : rows[k];
                var y = block.Labels[r];
                if (block.IsSparse)
                {
                    AddSparseRow(block, r, features, y, sums, triangle);
                    continue;
                }

                var values = block.Values.AsSpan(r * features, features);
                for (var j = 0; j < features; j++)
                {
                    z[j] = values[j];
                }

                z[features] = 1;
                for (var i = 0; i <= features; i++)
                {
                    if (z[i] != 0)
                    {
                        var target = sums.AsSpan((int)RowStart(i, features), features + 1 - i);
                        TensorPrimitives.MultiplyAdd(z.AsSpan(i), z[i], target, target);
                    }
                }

                var zy = sums.AsSpan(triangle, features + 1);
                TensorPrimitives.MultiplyAdd(z, y, zy, zy);
                sums[triangle + features + 1] += y * y;
            }
        };
    }

    private static void AddSparseRow(InstanceBlock block, int r, int features, double y, double[] sums, int triangle)
    {
        var start = block.RowOffsets[r];
        var end = block.RowOffsets[r + 1];
        for (var a = start; a < end; a++)
        {
            var i = block.Indices[a];
            double zi = block.Values[a];
            var row = RowStart(i, features);
            for (var b = a; b < end; b++)
            {
                sums[row + block.Indices[b] - i] += zi * block.Values[b];
            }

            // The intercept's column, and row i of Σ z·y.
            sums[row + features - i] += zi;
            sums[triangle + i] += zi * y;
        }

        sums[RowStart(features, features)] += 1;
        sums[triangle + features] += y;
        sums[triangle + features + 1] += y * y;
    }
}

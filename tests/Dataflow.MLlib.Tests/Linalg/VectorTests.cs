using Dataflow.MLlib.Linalg;

namespace Dataflow.MLlib.Tests.Linalg;

public class VectorTests
{
    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 20)];

    /// <summary>A random vector as a plain array plus the vector under test, dense or sparse at random.</summary>
    private static (double[] Array, Vector Vector) RandomVector(Random random, int size)
    {
        var array = new double[size];
        for (var i = 0; i < size; i++)
        {
            array[i] = random.NextDouble() < 0.4 ? 0 : Math.Round((random.NextDouble() * 20) - 10, 3);
        }

        if (random.Next(2) == 0)
        {
            return (array, Vectors.Dense((double[])array.Clone()));
        }

        var indices = Enumerable.Range(0, size).Where(i => array[i] != 0 || random.NextDouble() < 0.1).ToArray();
        return (array, Vectors.Sparse(size, indices, [.. indices.Select(i => array[i])]));
    }

    [Theory, MemberData(nameof(Seeds))]
    public void DotAndSquaredDistance_AnyStorage_MatchPlainLoops(int seed)
    {
        var random = new Random(seed);
        var size = random.Next(0, 40);
        var (a, x) = RandomVector(random, size);
        var (b, y) = RandomVector(random, size);

        double dot = 0, distance = 0;
        for (var i = 0; i < size; i++)
        {
            dot += a[i] * b[i];
            distance += (a[i] - b[i]) * (a[i] - b[i]);
        }

        Assert.Equal(dot, x.Dot(y), 1e-9);
        Assert.Equal(dot, y.Dot(x), 1e-9);
        Assert.Equal(distance, Vectors.SquaredDistance(x, y), 1e-9);
        Assert.Equal(distance, Vectors.SquaredDistance(y, x), 1e-9);
        Assert.Equal(a, x.ToArray());
        Assert.Equal(a, Enumerable.Range(0, size).Select(i => x[i]));
    }

    [Theory, MemberData(nameof(Seeds))]
    public void Norm_AnyOrder_MatchesPlainLoop(int seed)
    {
        var random = new Random(seed);
        var (a, x) = RandomVector(random, random.Next(1, 30));

        Assert.Equal(a.Sum(Math.Abs), Vectors.Norm(x, 1), 1e-9);
        Assert.Equal(Math.Sqrt(a.Sum(v => v * v)), x.Norm(), 1e-9);
        Assert.Equal(a.Max(Math.Abs), Vectors.Norm(x, double.PositiveInfinity));
        Assert.Equal(Math.Pow(a.Sum(v => Math.Pow(Math.Abs(v), 3)), 1.0 / 3), Vectors.Norm(x, 3), 1e-9);
    }

    [Fact]
    public void Equals_DenseAndSparseWithSameEntries_AreEqualWithEqualHashes()
    {
        var dense = Vectors.Dense(0, 2, 0, -1);
        var sparse = Vectors.Sparse(4, [1, 2, 3], [2, 0, -1]);

        Assert.Equal<Vector>(dense, sparse);
        Assert.True(dense == sparse);
        Assert.Equal(dense.GetHashCode(), sparse.GetHashCode());
        Assert.NotEqual<Vector>(dense, Vectors.Dense(0, 2, 0, -1, 0));
        Assert.NotEqual<Vector>(dense, Vectors.Dense(0, 2, 0, -2));
        Assert.Equal(new LabeledPoint(1, dense), new LabeledPoint(1, sparse));
    }

    [Fact]
    public void Sparse_FromUnorderedEntries_SortsThem()
    {
        var v = Vectors.Sparse(6, [(4, 1.5), (0, -2.0), (2, 3.0)]);

        Assert.Equal([0, 2, 4], v.Indices);
        Assert.Equal([-2.0, 3.0, 1.5], v.Values);
        Assert.Equal(0, v[5]);
        Assert.Equal(3, v.ActiveCount);
    }

    [Theory]
    [InlineData(new[] { 2, 1 }, "strictly ascending: entry 1 is 1 after 2")]
    [InlineData(new[] { 1, 1 }, "strictly ascending: entry 1 is 1 after 1")]
    [InlineData(new[] { 0, 5 }, "index 5 (entry 1) is outside 0..4")]
    [InlineData(new[] { -1, 2 }, "index -1 (entry 0) is outside 0..4")]
    public void Sparse_BadIndices_ThrowsNamingTheEntry(int[] indices, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => Vectors.Sparse(5, indices, [1.0, 2.0]));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sparse_LengthsDiffer_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Vectors.Sparse(5, [1, 2], [1.0]));

        Assert.Contains("got 2 indices and 1 values", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Operations_SizesDiffer_ThrowNamingBothSizes()
    {
        var a = Vectors.Dense(1, 2, 3);
        var b = Vectors.Sparse(4, [0], [1.0]);

        Assert.Contains("3 and 4", Assert.Throws<ArgumentException>(() => a.Dot(b)).Message, StringComparison.Ordinal);
        Assert.Contains("4 and 3", Assert.Throws<ArgumentException>(() => b.Dot(a)).Message, StringComparison.Ordinal);
        Assert.Contains("3 and 4", Assert.Throws<ArgumentException>(() => Vectors.SquaredDistance(a, b)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToSparseAndToDense_ConvertWithoutChangingEntries()
    {
        var dense = Vectors.Dense(0, 1.5, 0, 0, -2);

        var sparse = dense.ToSparse();

        Assert.Equal([1, 4], sparse.Indices);
        Assert.Equal([1.5, -2], sparse.Values);
        Assert.Equal(dense.Values, sparse.ToDense().Values);
        Assert.Same(dense, dense.ToDense());
        Assert.Equal([1], Vectors.Sparse(3, [0, 1], [0.0, 7.0]).ToSparse().Indices);
    }

    [Fact]
    public void ToString_InvariantSparkForms()
    {
        Assert.Equal("[1,0.5,-2E-05]", Vectors.Dense(1, 0.5, -2e-5).ToString());
        Assert.Equal("(4,[1,3],[2.5,-1])", Vectors.Sparse(4, [1, 3], [2.5, -1]).ToString());
        Assert.Equal("(1,[0,2])", new LabeledPoint(1, Vectors.Dense(0, 2)).ToString());
    }

    [Fact]
    public void ForEachActive_VisitsStoredEntriesInOrder()
    {
        var seen = new List<(int, double)>();

        Vectors.Sparse(9, [2, 7], [1.0, 3.0]).ForEachActive((i, v) => seen.Add((i, v)));
        Vectors.Dense(4, 5).ForEachActive((i, v) => seen.Add((i, v)));

        Assert.Equal([(2, 1.0), (7, 3.0), (0, 4.0), (1, 5.0)], seen);
    }
}

using System.Globalization;

namespace Dataflow.MLlib.Recommendation;

/// <summary>
/// A fitted (or starting) matrix factorisation: a user factor row and an item factor row of <see cref="Rank"/> values
/// each; the predicted rating of (u, i) is their dot product. The factors are one float64 array of
/// <c>(Users + Items) × Rank</c> values, row-major, user rows first: row key u for user u and <c>Users + i</c> for item i,
/// the parameter server's layout.
/// </summary>
/// <example><code>
/// var model = (await new MatrixFactorization { Rank = 10 }.FitAsync(ratings, ct: ct)).Model;
/// var predicted = model.Predict(user: 3, item: 17);
/// </code></example>
/// <remarks>Spark: org.apache.spark.mllib.recommendation.MatrixFactorizationModel</remarks>
public sealed class MatrixFactorizationModel
{
    private readonly double[] _factors;

    /// <summary>A model over <paramref name="factors"/> (copied).</summary>
    /// <exception cref="ArgumentException">The factors do not have <c>(users + items) × rank</c> values.</exception>
    public MatrixFactorizationModel(int users, int items, int rank, ReadOnlySpan<double> factors)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(users);
        ArgumentOutOfRangeException.ThrowIfNegative(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        if (factors.Length != ((long)users + items) * rank)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{users} users and {items} items of rank {rank} need {((long)users + items) * rank} factor values, got {factors.Length}."), nameof(factors));
        }

        Users = users;
        Items = items;
        Rank = rank;
        _factors = factors.ToArray();
    }

    /// <summary>Users (user rows).</summary>
    public int Users { get; }

    /// <summary>Items (item rows).</summary>
    public int Items { get; }

    /// <summary>Values per row.</summary>
    public int Rank { get; }

    /// <summary>Every factor value: user rows, then item rows.</summary>
    public ReadOnlySpan<double> Factors => _factors;

    /// <summary>User <paramref name="user"/>'s row.</summary>
    public ReadOnlySpan<double> UserFactors(int user) => _factors.AsSpan(checked(CheckUser(user) * Rank), Rank);

    /// <summary>Item <paramref name="item"/>'s row.</summary>
    public ReadOnlySpan<double> ItemFactors(int item) => _factors.AsSpan(checked((Users + CheckItem(item)) * Rank), Rank);

    /// <summary>The predicted rating U_u·V_i.</summary>
    public double Predict(int user, int item)
    {
        var u = UserFactors(user);
        var v = ItemFactors(item);
        var sum = 0.0;
        for (var f = 0; f < Rank; f++)
        {
            sum += u[f] * v[f];
        }

        return sum;
    }

    /// <summary>This model with <paramref name="offsets"/> added to every factor value (what a parameter server holds
    /// is the change from the starting model).</summary>
    public MatrixFactorizationModel Plus(ReadOnlySpan<double> offsets)
    {
        if (offsets.Length != _factors.Length)
        {
            throw new ArgumentException($"The offsets have {offsets.Length} values, the model {_factors.Length}.", nameof(offsets));
        }

        var sum = new double[_factors.Length];
        for (var j = 0; j < sum.Length; j++)
        {
            sum[j] = _factors[j] + offsets[j];
        }

        return new MatrixFactorizationModel(Users, Items, Rank, sum);
    }

    /// <summary>
    /// The training objective over <paramref name="ratings"/>: mean squared error + (λ/2)(‖U‖²_F + ‖V‖²_F), in float64
    /// over the rating records (one job).
    /// </summary>
    public async Task<double> ObjectiveAsync(Rdd<Rating> ratings, double regParam, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        var (sum, count) = await SquaredErrorAsync(ratings, cancellationToken).ConfigureAwait(false);
        if (count == 0)
        {
            throw new ArgumentException("There are no ratings; the objective is undefined.", nameof(ratings));
        }

        var norm = 0.0;
        foreach (var x in _factors)
        {
            norm += x * x;
        }

        return (sum / count) + (0.5 * regParam * norm);
    }

    /// <summary>The root mean squared error of the predictions over <paramref name="ratings"/> (one job).</summary>
    public async Task<double> RootMeanSquaredErrorAsync(Rdd<Rating> ratings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        var (sum, count) = await SquaredErrorAsync(ratings, cancellationToken).ConfigureAwait(false);
        return count == 0 ? double.NaN : Math.Sqrt(sum / count);
    }

    private async Task<(double Sum, long Count)> SquaredErrorAsync(Rdd<Rating> ratings, CancellationToken cancellationToken)
    {
        var factors = _factors;
        var (users, items, rank) = (Users, Items, Rank);
        var partials = await ratings.SelectPartitions(rows =>
        {
            var model = new MatrixFactorizationModel(users, items, rank, factors);
            var sum = 0.0;
            var count = 0L;
            foreach (var r in rows)
            {
                var e = model.Predict(r.User, r.Item) - r.Value;
                sum += e * e;
                count++;
            }

            return new[] { (sum, count) };
        }).ToListAsync(cancellationToken).ConfigureAwait(false);
        return (partials.Sum(p => p.sum), partials.Sum(p => p.count));
    }

    private int CheckUser(int user) => (uint)user < (uint)Users
        ? user
        : throw new ArgumentOutOfRangeException(nameof(user), user, $"The model has users 0 … {Users - 1}.");

    private int CheckItem(int item) => (uint)item < (uint)Items
        ? item
        : throw new ArgumentOutOfRangeException(nameof(item), item, $"The model has items 0 … {Items - 1}.");
}

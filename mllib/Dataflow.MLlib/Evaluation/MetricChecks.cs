using System.Globalization;

namespace Dataflow.MLlib.Evaluation;

/// <summary>Input checks shared by the metrics; the messages name the row (arrays) or the value (RDDs, where rows have no index).</summary>
internal static class MetricChecks
{
    public static void SameLength(int labels, int other, string otherName)
    {
        if (labels != other)
        {
            throw new ArgumentException($"There are {labels} labels but {other} {otherName}; pass one per row.", otherName);
        }

        if (labels == 0)
        {
            throw new ArgumentException("A metric needs at least one row; got none.", otherName);
        }
    }

    public static void NotEmpty(long rows)
    {
        if (rows == 0)
        {
            throw new ArgumentException("A metric needs at least one row; the RDD is empty.");
        }
    }

    /// <summary>Throws when <paramref name="value"/> is NaN; <paramref name="row"/> is −1 when unknown (inside a task).</summary>
    public static double NotNaN(double value, string what, long row = -1)
    {
        if (double.IsNaN(value))
        {
            throw new ArgumentException(row >= 0
                ? $"The {what} of row {row.ToString(CultureInfo.InvariantCulture)} is NaN."
                : $"A {what} is NaN; metrics need every {what} to be a number.");
        }

        return value;
    }

    public static double Probability(double value, long row = -1)
    {
        if (!(value >= 0 && value <= 1))
        {
            var where = row >= 0 ? $" of row {row.ToString(CultureInfo.InvariantCulture)}" : "";
            throw new ArgumentException(
                $"The probability{where} is {value.ToString("R", CultureInfo.InvariantCulture)}, outside [0, 1]; pass probabilities, not margins.");
        }

        return value;
    }

    /// <summary>−log max(p, ε): the log-loss of a row whose true class was given probability p.</summary>
    public static double LogLossOf(double pTrue, double epsilon) => -Math.Log(Math.Max(pTrue, epsilon));

    public static void Epsilon(double epsilon)
    {
        if (!(epsilon > 0 && epsilon < 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "The clipping ε must be in (0, 0.5); the default is 1e-15.");
        }
    }
}

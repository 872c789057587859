using System.Runtime.Intrinsics;

namespace Dataflow.MLlib.Kernels;

/// <summary>The overflow-free forms of the logistic and softmax losses.</summary>
internal static class StableMath
{
    /// <summary>
    /// log(1 + x) for x ≥ 0, accurate when x is tiny: <c>Math.Log(1 + x)</c> (and <c>double.LogP1</c>, which is that
    /// expression) returns 0 for x below 1.1e-16, which would make the loss of a well-classified row exactly 0.
    /// </summary>
    /// <remarks>
    /// The correction factor x / (u − 1) undoes the rounding of u = 1 + x (Goldberg, "What every computer scientist
    /// should know about floating-point arithmetic", theorem 4).
    /// </remarks>
    public static double Log1p(double x)
    {
        var u = 1.0 + x;
        return u == 1.0 ? x : double.IsPositiveInfinity(u) ? u : Math.Log(u) * (x / (u - 1.0));
    }

    /// <summary>
    /// The binary log-loss log(1 + e^m) − y·m and its derivative σ(m) − y, for labels in [0, 1], finite for every
    /// finite margin: only e^−|m| is ever formed, and for the labels 0 and 1 neither result is a difference of two
    /// large terms (σ(m) − 1 is computed as −σ(−m)).
    /// </summary>
    public static double Logistic(double margin, double label, out double derivative)
    {
        var t = Math.Exp(-Math.Abs(margin));
        var big = 1.0 / (1.0 + t);   // σ(|m|)
        var small = t * big;         // σ(−|m|)
        double p, q;                 // p = σ(m), q = σ(−m) = 1 − p
        if (margin >= 0)
        {
            p = big;
            q = small;
        }
        else
        {
            p = small;
            q = big;
        }

        derivative = ((1.0 - label) * p) - (label * q);
        var linear = margin > 0 ? (1.0 - label) * margin : -label * margin;
        return linear + Log1p(t);
    }

    /// <summary>
    /// <see cref="Logistic(double, double, out double)"/> on four rows at once, the same formulas lane by lane, with
    /// the vector exp and log (accurate to a few ulps, denormals included).
    /// </summary>
    public static Vector256<double> Logistic(Vector256<double> margins, Vector256<double> labels, out Vector256<double> derivatives)
    {
        var one = Vector256<double>.One;
        var t = Vector256.Exp(-Vector256.Abs(margins));
        var big = one / (one + t);
        var small = t * big;
        var nonNegative = Vector256.GreaterThanOrEqual(margins, Vector256<double>.Zero);
        var p = Vector256.ConditionalSelect(nonNegative, big, small);
        var q = Vector256.ConditionalSelect(nonNegative, small, big);
        var negatives = one - labels;
        derivatives = (negatives * p) - (labels * q);
        var linear = Vector256.ConditionalSelect(Vector256.GreaterThan(margins, Vector256<double>.Zero), negatives * margins, -labels * margins);
        // Log1p lane by lane: where 1 + t rounds to 1 the answer is t (the other branch divides by zero there).
        var u = one + t;
        var log1p = Vector256.ConditionalSelect(Vector256.Equals(u, one), t, Vector256.Log(u) * (t / (u - one)));
        return linear + log1p;
    }

    /// <summary>
    /// The softmax loss logΣexp(m) − m_y of one row, with the largest margin subtracted before any exp; the margins
    /// are replaced by the loss's derivatives p_c − [c = y].
    /// </summary>
    /// <remarks>
    /// With m* the largest margin and S = Σ_{c≠*} e^(m_c − m*), the loss is (m* − m_y) + log1p(S): the tiny terms of a
    /// confident row are not lost in 1 + S. For the label's class, p_y − 1 is −S/(1 + S) when y is the largest, so a
    /// confident row gets a small, accurate gradient instead of 1 − 1.
    /// </remarks>
    public static double Softmax(Span<double> margins, int label)
    {
        var top = 0;
        for (var c = 1; c < margins.Length; c++)
        {
            if (margins[c] > margins[top])
                top = c;
        }

        var max = margins[top];
        var loss = max - margins[label];
        var others = 0.0;
        for (var c = 0; c < margins.Length; c++)
        {
            var e = Math.Exp(margins[c] - max);
            margins[c] = e;
            if (c != top)
                others += e;
        }

        var sum = 1.0 + others;
        var labelExp = margins[label];
        for (var c = 0; c < margins.Length; c++)
            margins[c] /= sum;
        margins[label] = label == top ? -others / sum : (labelExp / sum) - 1.0;
        return loss + Log1p(others);
    }
}

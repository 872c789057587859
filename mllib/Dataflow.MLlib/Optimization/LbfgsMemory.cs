namespace Dataflow.MLlib.Optimization;

/// <summary>
/// The last m curvature pairs (s = x' − x, y = g' − g) of L-BFGS in a ring, and the two-loop recursion that applies
/// the inverse-Hessian approximation they define (Nocedal &amp; Wright, Algorithm 7.4), scaled by
/// γ = s·y / y·y of the newest pair.
/// </summary>
internal sealed class LbfgsMemory
{
    // A pair whose curvature s·y is this small relative to ‖s‖‖y‖ would make the approximation indefinite or huge.
    private const double CurvatureThreshold = 1e-10;

    private readonly double[][] _s;
    private readonly double[][] _y;
    private readonly double[] _rho;
    private readonly double[] _alpha;
    private double[] _scratchS;
    private double[] _scratchY;
    private int _newest = -1;

    public LbfgsMemory(int memory, int dimension)
    {
        _s = new double[memory][];
        _y = new double[memory][];
        for (var i = 0; i < memory; i++)
        {
            _s[i] = new double[dimension];
            _y[i] = new double[dimension];
        }

        _rho = new double[memory];
        _alpha = new double[memory];
        _scratchS = new double[dimension];
        _scratchY = new double[dimension];
    }

    /// <summary>Pairs held (0 … m).</summary>
    public int Count { get; private set; }

    public void Clear()
    {
        Count = 0;
        _newest = -1;
    }

    /// <summary>
    /// Adds the pair for a step from (x, g) to (x', g'), unless its curvature is too small to keep the approximation
    /// positive definite (a step accepted without the Wolfe curvature condition, or rounding near the optimum);
    /// returns whether it was added.
    /// </summary>
    public bool Push(ReadOnlySpan<double> x, ReadOnlySpan<double> g, ReadOnlySpan<double> xNew, ReadOnlySpan<double> gNew)
    {
        // Built aside, so that a rejected pair does not overwrite the oldest one kept.
        var s = _scratchS;
        var y = _scratchY;
        for (var i = 0; i < s.Length; i++)
        {
            s[i] = xNew[i] - x[i];
            y[i] = gNew[i] - g[i];
        }

        var sy = DenseMath.Dot(s, y);
        var scale = DenseMath.Norm(s) * DenseMath.Norm(y);
        if (!(sy > CurvatureThreshold * scale) || !double.IsFinite(sy))
        {
            return false;
        }

        var slot = (_newest + 1) % _s.Length;
        (_s[slot], _scratchS) = (s, _s[slot]);
        (_y[slot], _scratchY) = (y, _y[slot]);
        _rho[slot] = 1 / sy;
        _newest = slot;
        Count = Math.Min(Count + 1, _s.Length);
        return true;
    }

    /// <summary>Writes the search direction −H·g into <paramref name="direction"/> (−g when the memory is empty).</summary>
    public void Direction(ReadOnlySpan<double> gradient, Span<double> direction)
    {
        for (var i = 0; i < direction.Length; i++)
        {
            direction[i] = -gradient[i];
        }

        if (Count == 0)
        {
            return;
        }

        var m = _s.Length;
        for (var k = 0; k < Count; k++)
        {
            var slot = ((_newest - k) % m + m) % m;
            _alpha[slot] = _rho[slot] * DenseMath.Dot(_s[slot], direction);
            DenseMath.AddScaled(direction, -_alpha[slot], _y[slot]);
        }

        var yy = DenseMath.Dot(_y[_newest], _y[_newest]);
        var gamma = 1 / (_rho[_newest] * yy);
        for (var i = 0; i < direction.Length; i++)
        {
            direction[i] *= gamma;
        }

        for (var k = Count - 1; k >= 0; k--)
        {
            var slot = ((_newest - k) % m + m) % m;
            var beta = _rho[slot] * DenseMath.Dot(_y[slot], direction);
            DenseMath.AddScaled(direction, _alpha[slot] - beta, _s[slot]);
        }
    }
}

using System.Globalization;
using System.Numerics.Tensors;

namespace Dataflow.MLlib.Kernels;

/// <summary>
/// The managed SIMD kernel of matrix factorisation over a block of ratings: the squared error of every rating and its
/// gradient with respect to the two factor rows it touches. The default body of
/// <see cref="IBlockKernels.MatrixFactorization"/>, so every kernel set (the SIMD ones, the ILGPU ones, test and
/// experiment wrappers) has it; a device implementation may override it.
/// </summary>
/// <remarks>
/// <para><b>Ratings as rows.</b> A rating (u, i, r) is a CSR row with exactly two entries, column u (a user, below
/// <c>users</c>) and column <c>users + i</c> (an item), with label r: the one-hot encoding of factorisation
/// machines. The column is the factor row's key: the factors are <c>Features × rank</c> float64 values, row-major,
/// user rows first, then item rows, as the parameter server stores them. The CSR values are not used (they are 1).</para>
/// <para><b>Per rating.</b> e = U_u·V_i − r; the loss adds e², the gradient adds 2e·V_i to row u and 2e·U_u to row
/// <c>users + i</c>. Dot products and the two scaled adds run over the rank with <see cref="TensorPrimitives"/>.</para>
/// </remarks>
public static class RatingKernel
{
    /// <summary>See <see cref="IBlockKernels.MatrixFactorization"/>.</summary>
    public static double SquaredError(InstanceBlock block, int users, int rank, ReadOnlySpan<double> factors, Span<double> gradient, int[]? rows = null)
    {
        Check(block, users, rank, factors, gradient, rows);
        var count = rows?.Length ?? block.Rows;
        var loss = 0.0;
        var offsets = block.RowOffsets;
        var indices = block.Indices;
        for (var n = 0; n < count; n++)
        {
            var r = rows is null ? n : rows[n];
            var start = offsets[r];
            var u = indices[start] * rank;
            var i = indices[start + 1] * rank;
            var userRow = factors.Slice(u, rank);
            var itemRow = factors.Slice(i, rank);
            var e = TensorPrimitives.Dot(userRow, itemRow) - block.Labels[r];
            loss += e * e;
            var scale = 2 * e;
            var userGradient = gradient.Slice(u, rank);
            var itemGradient = gradient.Slice(i, rank);
            TensorPrimitives.MultiplyAdd(itemRow, scale, userGradient, userGradient);
            TensorPrimitives.MultiplyAdd(userRow, scale, itemGradient, itemGradient);
        }

        return loss;
    }

    // Every rating row is checked before the first write, so a call that throws has added nothing.
    private static void Check(InstanceBlock block, int users, int rank, ReadOnlySpan<double> factors, Span<double> gradient, int[]? rows)
    {
        const string kernel = nameof(IBlockKernels.MatrixFactorization);
        ArgumentNullException.ThrowIfNull(block);
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        if (users < 0 || users > block.Features)
        {
            throw new ArgumentOutOfRangeException(nameof(users), users, string.Create(CultureInfo.InvariantCulture,
                $"{kernel}: the user count must be from 0 to the block's {block.Features} columns (users + items)."));
        }

        var size = (long)block.Features * rank;
        KernelChecks.Length(kernel, "factors", factors.Length, size, "one row of rank values per user and item");
        KernelChecks.Length(kernel, "gradient", gradient.Length, size, "one row of rank values per user and item");
        KernelChecks.Rows(kernel, block, rows);
        if (block.Rows > 0 && !block.IsSparse)
        {
            throw new ArgumentException($"{kernel}: ratings are CSR blocks (one user and one item column per row), got a dense block.", nameof(block));
        }

        for (var r = 0; r < block.Rows; r++)
        {
            var start = block.RowOffsets[r];
            if (block.RowOffsets[r + 1] - start != 2 || block.Indices[start] >= users || block.Indices[start + 1] < users)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"{kernel}: row {r} is not a rating: it needs exactly two columns, a user below {users} and an item at {users} or above."), nameof(block));
            }
        }
    }
}

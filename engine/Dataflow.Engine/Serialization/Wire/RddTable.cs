using Dataflow.Dependencies;

namespace Dataflow.Serialization.Wire;

/// <summary>
/// The RDDs of one task binary: the stage's pipelined lineage, from the RDD a task computes back to the shuffles that
/// feed it, numbered parents first. Each RDD is written once, as an entry of its own, and every reference to it (a
/// dependency, a field, a closure) is its number, so a lineage of thousands of RDDs is never written by deep
/// recursion and an RDD reached twice (a diamond) arrives once. An RDD outside the table — the map side of a shuffle
/// the stage reads, an RDD kept only for a driver-side preparation job — travels as <c>null</c>: tasks never touch it.
/// </summary>
internal sealed class RddTable
{
    private readonly Dictionary<RddBase, int> _numbers = new(ReferenceEqualityComparer.Instance);
    private readonly List<RddBase?> _rdds = [];

    private RddTable()
    {
    }

    /// <summary>The RDDs, parents before the RDDs that depend on them (writer side; on the reader, those read so far).</summary>
    public IReadOnlyList<RddBase?> Rdds => _rdds;

    /// <summary>The table of the narrow lineage of <paramref name="root"/>, in topological order.</summary>
    public static RddTable ForStage(RddBase root)
    {
        var table = new RddTable();
        // Iterative post-order: an RDD is numbered after all of its narrow parents.
        var stack = new Stack<(RddBase Rdd, bool Expanded)>();
        stack.Push((root, false));
        var seen = new HashSet<RddBase>(ReferenceEqualityComparer.Instance);
        while (stack.Count > 0)
        {
            var (rdd, expanded) = stack.Pop();
            if (expanded)
            {
                if (!table._numbers.ContainsKey(rdd))
                {
                    table._numbers.Add(rdd, table._rdds.Count);
                    table._rdds.Add(rdd);
                }

                continue;
            }

            if (!seen.Add(rdd))
            {
                continue;
            }

            stack.Push((rdd, true));
            foreach (var dependency in rdd.Dependencies)
            {
                if (dependency is not ShuffleDependency && !seen.Contains(dependency.Rdd))
                {
                    stack.Push((dependency.Rdd, false));
                }
            }
        }

        return table;
    }

    /// <summary>An empty table that a reader fills as it reads entries.</summary>
    public static RddTable ForReading() => new();

    /// <summary>The number of <paramref name="rdd"/>, or -1 when it is not part of the stage.</summary>
    public int NumberOf(RddBase rdd) => _numbers.GetValueOrDefault(rdd, -1);

    /// <summary>The RDD numbered <paramref name="number"/>, which must already have been read.</summary>
    public RddBase Get(int number) => number >= 0 && number < _rdds.Count && _rdds[number] is { } rdd
        ? rdd
        : throw new MessagePack.MessagePackSerializationException($"The task binary refers to RDD entry {number} before it was read.");

    /// <summary>Records the RDD read as the next entry.</summary>
    public void Add(RddBase rdd) => _rdds.Add(rdd);
}

namespace Dataflow.Dependencies;

/// <summary>
/// Walks a lineage graph with an explicit stack (a lineage may be thousands of RDDs deep, too deep for recursion),
/// visiting each RDD once, parents after the RDDs that depend on them.
/// </summary>
internal static class Lineage
{
    /// <summary>
    /// The RDDs reachable from <paramref name="root"/>: through narrow dependencies only, or through shuffles too
    /// when <paramref name="acrossShuffles"/>. An RDD for which <paramref name="stopAt"/> is true is visited but
    /// its parents are not (unless reached another way).
    /// </summary>
    public static IEnumerable<RddBase> Walk(RddBase root, bool acrossShuffles, Func<RddBase, bool>? stopAt = null)
    {
        var visited = new HashSet<int>();
        var stack = new Stack<RddBase>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var rdd = stack.Pop();
            if (!visited.Add(rdd.Id))
            {
                continue;
            }

            yield return rdd;
            if (stopAt?.Invoke(rdd) == true)
            {
                continue;
            }

            foreach (var dependency in rdd.Dependencies)
            {
                if (acrossShuffles || dependency is not ShuffleDependency)
                {
                    stack.Push(dependency.Rdd);
                }
            }
        }
    }
}

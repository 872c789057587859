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

    /// <summary>
    /// The number of RDDs on the longest dependency path from <paramref name="root"/> to a source, across shuffles: 1
    /// for a source or a checkpointed RDD. Iterative, so any depth is measured.
    /// </summary>
    public static int Depth(RddBase root)
    {
        var depths = new Dictionary<int, int>();
        var stack = new Stack<(RddBase Rdd, bool Expanded)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (rdd, expanded) = stack.Pop();
            if (depths.ContainsKey(rdd.Id))
            {
                continue;
            }

            if (expanded)
            {
                var deepest = 0;
                foreach (var dependency in rdd.Dependencies)
                {
                    deepest = Math.Max(deepest, depths[dependency.Rdd.Id]);
                }

                depths[rdd.Id] = deepest + 1;
                continue;
            }

            stack.Push((rdd, true));
            foreach (var dependency in rdd.Dependencies)
            {
                if (!depths.ContainsKey(dependency.Rdd.Id))
                {
                    stack.Push((dependency.Rdd, false));
                }
            }
        }

        return depths[root.Id];
    }
}

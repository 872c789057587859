namespace Dataflow.Execution;

/// <summary>
/// Checks a cancellation token between records, so that cancelling a job stops tasks that iterate large or endless
/// partitions. Wrapped around sources and around each task's final iterator; the check is one volatile read.
/// </summary>
internal static class InterruptibleEnumerable
{
    public static IEnumerable<T> Wrap<T>(IEnumerable<T> source, CancellationToken token) =>
        token.CanBeCanceled ? Iterate(source, token) : source;

    private static IEnumerable<T> Iterate<T>(IEnumerable<T> source, CancellationToken token)
    {
        token.ThrowIfCancellationRequested();
        foreach (var item in source)
        {
            token.ThrowIfCancellationRequested();
            yield return item;
        }
    }
}

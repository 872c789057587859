using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Dataflow.Execution;
using Microsoft.Extensions.Logging;

namespace Dataflow.Serialization.TypeSafety;

/// <summary>
/// Objects that can never be sent to a worker, whatever formatter exists, because they stand for something that lives
/// in one process (a connection, an open file, a thread, the driver's context), with the fix each error suggests.
/// Subclasses count (a <c>SqlConnection</c> is a <see cref="DbConnection"/>).
/// </summary>
internal static class DeniedTypes
{
    private const string Reopen = "open it inside the task instead (for example once per partition in SelectPartitions), or capture only the data you need from it";
    private const string UseTaskToken = "inside a task, use TaskContext.Current.CancellationToken";
    private const string AwaitFirst = "await it on the driver and capture its result";
    private const string CreateInTask = "create what you need inside the task";
    private const string SignalsLocally = "it signals within one process; a task on a worker cannot signal the driver through it";

    private static readonly (Type Type, string Hint)[] s_denied =
    [
        (typeof(DataflowContext), "the context exists only on the driver; call it outside the function"),
        (typeof(TaskContext), "read TaskContext.Current inside the function instead"),
        (typeof(Stream), Reopen), (typeof(TextReader), Reopen), (typeof(TextWriter), Reopen), (typeof(BinaryReader), Reopen),
        (typeof(BinaryWriter), Reopen), (typeof(Socket), Reopen), (typeof(TcpClient), Reopen), (typeof(TcpListener), Reopen),
        (typeof(UdpClient), Reopen), (typeof(System.Net.Http.HttpMessageInvoker), Reopen), (typeof(System.Net.WebSockets.WebSocket), Reopen),
        (typeof(DbConnection), Reopen), (typeof(DbCommand), Reopen), (typeof(DbDataReader), Reopen), (typeof(DbTransaction), Reopen),
        (typeof(Process), Reopen), (typeof(FileSystemWatcher), Reopen), (typeof(SafeHandle), Reopen), (typeof(WaitHandle), Reopen),
        (typeof(System.Threading.Timer), Reopen), (typeof(SemaphoreSlim), CreateInTask), (typeof(Thread), CreateInTask),
        (typeof(Task), AwaitFirst), (typeof(ValueTask), AwaitFirst), (typeof(ValueTask<>), AwaitFirst),
        (typeof(CancellationTokenSource), UseTaskToken), (typeof(CancellationToken), UseTaskToken),
        (typeof(TaskCompletionSource), SignalsLocally), (typeof(TaskCompletionSource<>), SignalsLocally),
        (typeof(ManualResetEventSlim), SignalsLocally), (typeof(CountdownEvent), SignalsLocally), (typeof(Barrier), SignalsLocally),
        (typeof(Random), "create one inside the task instead, e.g. new Random(seed + TaskContext.Current.PartitionId), so that partitions differ and retries repeat"),
        (typeof(ILogger), CreateInTask), (typeof(ILoggerFactory), CreateInTask), (typeof(IServiceProvider), "resolve what you need on the driver and capture that"),
    ];

    private static readonly ConcurrentDictionary<Type, string?> s_hints = new();

    /// <summary>The fix to suggest when <paramref name="type"/> is captured, or <c>null</c> when it is not on the deny list.</summary>
    public static string? HintFor(Type type) => s_hints.GetOrAdd(type, static t =>
    {
        var definition = t.IsGenericType ? t.GetGenericTypeDefinition() : null;
        return s_denied.FirstOrDefault(d => d.Type.IsAssignableFrom(t) || d.Type == definition).Hint;
    });
}

using System.Buffers;
using System.Runtime.ExceptionServices;
using Dataflow.Accumulators;
using Dataflow.Execution;
using Dataflow.Scheduling;
using Dataflow.Serialization.Closures;
using Dataflow.Serialization.TypeSafety;
using Dataflow.Shuffle;
using MessagePack;

namespace Dataflow.Serialization.Wire;

/// <summary>
/// A task attempt's outcome as bytes for the driver: its value (a map status or the action's partial result, written
/// like captured state, see <see cref="ClosureResolver"/>), its accumulator copies, its metrics, the cached blocks it
/// stored and, on failure, the
/// exception. Exceptions travel as type name, message and stack trace; the driver re-creates the same exception type
/// when it can (so a user's <c>catch</c> and the exit codes of <c>ProgramHost</c> behave as in local mode), keeps the
/// worker's stack trace, and re-creates <see cref="FetchFailedException"/> and <see cref="BadInputException"/> with
/// their fields, which the scheduler and error messages rely on.
/// </summary>
internal static class TaskResultCodec
{
    /// <summary>The payload format; a reader refuses any other.</summary>
    public const int FormatVersion = 2;
    private const int MaxInnerDepth = 8;

    public static byte[] Serialize(TaskResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var options = ClosureSerializer.WriteOptions();
        var buffer = new ArrayBufferWriter<byte>(256);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(7);
        writer.Write(FormatVersion);
        writer.Write(result.ExecutorId);
        options.Resolver.GetFormatterWithVerify<object?>().Serialize(ref writer, result.Value, options);
        WriteError(ref writer, result.Error, 0);
        options.Resolver.GetFormatterWithVerify<TaskMetrics>().Serialize(ref writer, result.Metrics, options);
        options.Resolver.GetFormatterWithVerify<Accumulator[]>().Serialize(ref writer, [.. result.AccumulatorUpdates], options);
        writer.WriteArrayHeader(result.StoredBlocks.Count * 2);
        foreach (var block in result.StoredBlocks)
        {
            writer.Write(block.RddId);
            writer.Write(block.Partition);
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public static TaskResult Deserialize(ReadOnlyMemory<byte> bytes, TaskDescription description, TypeResolutionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var options = policy.Options;
        var reader = new MessagePackReader(bytes);
        if (reader.ReadArrayHeader() != 7 || reader.ReadInt32() != FormatVersion)
        {
            throw new MessagePackSerializationException($"Not a task result of format {FormatVersion}.");
        }

        var executorId = reader.ReadString() ?? "";
        var value = options.Resolver.GetFormatterWithVerify<object?>().Deserialize(ref reader, options);
        var error = ReadError(ref reader);
        var metrics = options.Resolver.GetFormatterWithVerify<TaskMetrics>().Deserialize(ref reader, options) ?? new TaskMetrics();
        var accumulators = options.Resolver.GetFormatterWithVerify<Accumulator[]>().Deserialize(ref reader, options) ?? [];
        var stored = new Storage.RddBlockId[reader.ReadArrayHeader() / 2];
        for (var i = 0; i < stored.Length; i++)
        {
            stored[i] = new Storage.RddBlockId(reader.ReadInt32(), reader.ReadInt32());
        }

        return new TaskResult(description, value, error, metrics, executorId) { AccumulatorUpdates = accumulators, StoredBlocks = stored };
    }

    private static void WriteError(ref MessagePackWriter writer, Exception? error, int depth)
    {
        if (error is null || depth > MaxInnerDepth)
        {
            writer.WriteNil();
            return;
        }

        writer.WriteArrayHeader(5);
        writer.Write(error.GetType().FullName);
        writer.Write(error.Message);
        writer.Write(error.StackTrace);
        switch (error)
        {
            case FetchFailedException fetch:
                writer.WriteArrayHeader(4);
                writer.Write(fetch.Block.ShuffleId);
                writer.Write(fetch.Block.MapId);
                writer.Write(fetch.Block.ReduceId);
                writer.Write(fetch.ExecutorId);
                break;
            case BadInputException bad when bad.Source.Length > 0:
                writer.WriteArrayHeader(2);
                writer.Write(bad.Source);
                writer.Write(bad.Line);
                break;
            default:
                writer.WriteNil();
                break;
        }

        WriteError(ref writer, error.InnerException, depth + 1);
    }

    private static Exception? ReadError(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        if (reader.ReadArrayHeader() != 5)
        {
            throw new MessagePackSerializationException("A task error is an array of 5 elements.");
        }

        var typeName = reader.ReadString() ?? "";
        var message = reader.ReadString() ?? "";
        var stackTrace = reader.ReadString();
        Exception? error = null;
        if (!reader.TryReadNil())
        {
            var fields = reader.ReadArrayHeader();
            if (fields == 4 && typeName == typeof(FetchFailedException).FullName)
            {
                var block = new ShuffleBlockId(reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32());
                var executor = reader.ReadString() ?? "";
                error = FetchFailure(block, executor, message);
            }
            else if (fields == 2 && typeName == typeof(BadInputException).FullName)
            {
                var source = reader.ReadString() ?? "";
                var line = reader.ReadInt64();
                error = new BadInputException(source, line, ProblemOf(message, source, line));
            }
            else
            {
                reader.Skip();
                for (var i = 1; i < fields; i++)
                {
                    reader.Skip();
                }
            }
        }

        var inner = ReadError(ref reader);
        error ??= Recreate(typeName, message, inner);
        if (!string.IsNullOrEmpty(stackTrace))
        {
            ExceptionDispatchInfo.SetRemoteStackTrace(error, stackTrace + Environment.NewLine);
        }

        return error;
    }

    private static string ProblemOf(string message, string source, long line)
    {
        var prefix = $"{source}:{line.ToString(System.Globalization.CultureInfo.InvariantCulture)}: ";
        return message.StartsWith(prefix, StringComparison.Ordinal) ? message[prefix.Length..] : message;
    }

    /// <summary>The same exception type when the driver has it and it can be built from a message; else <see cref="RemoteTaskException"/>.</summary>
    private static Exception Recreate(string typeName, string message, Exception? inner)
    {
        var type = AppDomain.CurrentDomain.GetAssemblies()
            .Select(a => a.IsDynamic ? null : a.GetType(typeName, throwOnError: false))
            .FirstOrDefault(t => t is not null && typeof(Exception).IsAssignableFrom(t) && !t.IsAbstract);
        try
        {
            if (type?.GetConstructor([typeof(string), typeof(Exception)]) is { } withInner && inner is not null)
            {
                return (Exception)withInner.Invoke([message, inner]);
            }

            if (type?.GetConstructor([typeof(string)]) is { } plain && inner is null)
            {
                return (Exception)plain.Invoke([message]);
            }
        }
        catch (System.Reflection.TargetInvocationException)
        {
            // Its constructor refused the message: fall through to the generic wrapper.
        }

        return new RemoteTaskException(typeName, message, inner);
    }

    /// <summary>Re-creates the fetch failure with the worker's message (its constructor would prefix it again).</summary>
    private static FetchFailedException FetchFailure(ShuffleBlockId block, string executorId, string message)
    {
        var prefix = $"Fetch of {block} from executor {executorId} failed: ";
        return new FetchFailedException(block, executorId, message.StartsWith(prefix, StringComparison.Ordinal) ? message[prefix.Length..] : message);
    }
}

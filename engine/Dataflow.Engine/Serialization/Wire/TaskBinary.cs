using System.Buffers;
using Dataflow.Execution;
using Dataflow.Serialization.Closures;
using Dataflow.Serialization.Records;
using Dataflow.Serialization.TypeSafety;
using MessagePack;
using MessagePack.Formatters;

namespace Dataflow.Serialization.Wire;

/// <summary>
/// A stage's task as bytes a worker turns back into a runnable <see cref="StageTask"/>: the stage's RDDs (its
/// pipelined lineage back to the shuffles it reads, see <see cref="RddTable"/>) each written field by field, then
/// the task object (the action's function, or the shuffle dependency with its partitioner and aggregator). Closures
/// inside travel as <see cref="ClosureSerializer"/> writes them; the <see cref="DataflowContext"/> stays behind.
/// Written once per stage attempt; a worker derives each task from it with <see cref="StageTask.ForPartition"/>.
/// </summary>
/// <remarks>
/// Payload: <c>[format version, RDD count, [type name, fields] per RDD (parents first), task]</c>.
/// Spark: the task binary a DAGScheduler broadcasts per stage.
/// </remarks>
internal static class TaskBinary
{
    /// <summary>The payload format; a reader refuses any other.</summary>
    public const int FormatVersion = 1;

    /// <summary>Serialises <paramref name="task"/> with everything it needs to run on another process.</summary>
    /// <exception cref="NotSupportedException">Something in the stage cannot be serialised; a <see cref="ClosureMemberException"/> names it.</exception>
    public static byte[] Serialize(StageTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        RddBase.EnsurePartitions(task.Rdd);
        var table = RddTable.ForStage(task.Rdd);
        var options = ClosureSerializer.WriteOptions().WithRdds(table);
        var buffer = new ArrayBufferWriter<byte>(4096);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(4);
        writer.Write(FormatVersion);
        writer.Write(table.Rdds.Count);
        writer.WriteArrayHeader(table.Rdds.Count);
        foreach (var rdd in table.Rdds)
        {
            var type = rdd!.GetType();
            writer.WriteArrayHeader(2);
            writer.Write(TypeNames.Wire(type));
            try
            {
                BoxedCodec.For(type).Write(ref writer, rdd, FieldwiseResolver.Instance, options);
            }
            catch (Exception e) when (e is not ClosureMemberException)
            {
                throw new NotSupportedException($"{rdd} ({rdd.CallSite}) cannot be sent to workers: {e.Message}", e);
            }
        }

        options.Resolver.GetFormatterWithVerify<StageTask>().Serialize(ref writer, task, options);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Rebuilds a task serialised by <see cref="Serialize"/>, resolving types only as <paramref name="policy"/> allows.</summary>
    /// <exception cref="DisallowedTypeException">The payload names a type the policy refuses.</exception>
    public static StageTask Deserialize(ReadOnlyMemory<byte> bytes, TypeResolutionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        using var scope = policy.LoadContext?.EnterContextualReflection();
        var table = RddTable.ForReading();
        var options = policy.Options.WithRdds(table);
        var reader = new MessagePackReader(bytes);
        if (reader.ReadArrayHeader() != 4 || reader.ReadInt32() != FormatVersion)
        {
            throw new MessagePackSerializationException($"Not a task binary of format {FormatVersion}.");
        }

        var count = reader.ReadInt32();
        if (reader.ReadArrayHeader() != count)
        {
            throw new MessagePackSerializationException("The task binary's RDD count does not match its entries.");
        }

        for (var i = 0; i < count; i++)
        {
            if (reader.ReadArrayHeader() != 2)
            {
                throw new MessagePackSerializationException("An RDD entry of a task binary is an array of 2 elements.");
            }

            var type = policy.Resolve(reader.ReadString() ?? "");
            if (!typeof(RddBase).IsAssignableFrom(type))
            {
                throw new MessagePackSerializationException($"The task binary's RDD entry {i} names {type.FullName}, which is not an RDD.");
            }

            table.Add((RddBase)BoxedCodec.For(type).Read(ref reader, FieldwiseResolver.Instance, options)!);
        }

        var task = options.Resolver.GetFormatterWithVerify<StageTask>().Deserialize(ref reader, options);
        if (!reader.End)
        {
            throw new MessagePackSerializationException("A task binary has bytes after its end.");
        }

        return task ?? throw new MessagePackSerializationException("The task binary holds no task.");
    }

    /// <summary>Writes an RDD entry itself field by field (references to RDDs inside it are table numbers).</summary>
    private sealed class FieldwiseResolver : IFormatterResolver
    {
        public static readonly FieldwiseResolver Instance = new();

        public IMessagePackFormatter<T> GetFormatter<T>() => Cache<T>.Formatter;

        private static class Cache<T>
        {
            public static readonly IMessagePackFormatter<T> Formatter = new FieldwiseFormatter<T>();
        }
    }
}

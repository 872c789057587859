using System.Buffers;
using Dataflow.Shuffle;
using Dataflow.Storage;
using MessagePack;

namespace Dataflow.Cluster;

/// <summary>
/// What a worker gets once per stage attempt: the task binary, the map outputs of the shuffles the stage reads
/// (which were complete when the stage was submitted), so reducers know where every block lives, and where other
/// executors hold cached partitions of the stage's RDDs, so a task placed elsewhere reads them instead of computing.
/// </summary>
internal static class StagePayload
{
    public static byte[] Write(byte[] taskBinary, IReadOnlyList<(int ShuffleId, MapStatus?[] Statuses)> shuffles,
        IReadOnlyList<(RddBlockId Block, string ExecutorId)> cachedBlocks)
    {
        var buffer = new ArrayBufferWriter<byte>(taskBinary.Length + 256);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(3);
        writer.Write(taskBinary);
        writer.WriteArrayHeader(shuffles.Count);
        foreach (var (shuffleId, statuses) in shuffles)
        {
            writer.WriteArrayHeader(2);
            writer.Write(shuffleId);
            writer.WriteArrayHeader(statuses.Length);
            foreach (var status in statuses)
            {
                if (status is null)
                {
                    writer.WriteNil();
                    continue;
                }

                writer.WriteArrayHeader(2);
                writer.Write(status.ExecutorId);
                writer.WriteArrayHeader(status.BlockSizes.Length);
                foreach (var size in status.BlockSizes)
                {
                    writer.Write(size);
                }
            }
        }

        writer.WriteArrayHeader(cachedBlocks.Count);
        foreach (var (block, executor) in cachedBlocks)
        {
            writer.WriteArrayHeader(3);
            writer.Write(block.RddId);
            writer.Write(block.Partition);
            writer.Write(executor);
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public static (byte[] TaskBinary, List<(int ShuffleId, MapStatus?[] Statuses)> Shuffles, List<(RddBlockId Block, string ExecutorId)> CachedBlocks) Read(byte[] payload)
    {
        var reader = new MessagePackReader(payload);
        if (reader.ReadArrayHeader() != 3)
        {
            throw new MessagePackSerializationException("A stage payload is an array of 3 elements.");
        }

        var binary = reader.ReadBytes()?.ToArray() ?? [];
        var shuffles = new List<(int, MapStatus?[])>();
        for (var n = reader.ReadArrayHeader(); n > 0; n--)
        {
            reader.ReadArrayHeader();
            var shuffleId = reader.ReadInt32();
            var statuses = new MapStatus?[reader.ReadArrayHeader()];
            for (var mapId = 0; mapId < statuses.Length; mapId++)
            {
                if (reader.TryReadNil())
                {
                    continue;
                }

                reader.ReadArrayHeader();
                var executor = reader.ReadString() ?? "";
                var sizes = new long[reader.ReadArrayHeader()];
                for (var i = 0; i < sizes.Length; i++)
                {
                    sizes[i] = reader.ReadInt64();
                }

                statuses[mapId] = new MapStatus(shuffleId, mapId, executor, sizes);
            }

            shuffles.Add((shuffleId, statuses));
        }

        var cached = new List<(RddBlockId, string)>();
        for (var n = reader.ReadArrayHeader(); n > 0; n--)
        {
            reader.ReadArrayHeader();
            var block = new RddBlockId(reader.ReadInt32(), reader.ReadInt32());
            cached.Add((block, reader.ReadString() ?? ""));
        }

        return (binary, shuffles, cached);
    }
}

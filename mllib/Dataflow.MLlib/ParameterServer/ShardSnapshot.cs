using System.Globalization;
using System.IO.Hashing;
using System.Text.RegularExpressions;

namespace Dataflow.MLlib.ParameterServer;

/// <summary>
/// A shard's committed rows at a clock k: exactly the updates of clocks &lt; k from every worker, with the updater's
/// state, so a restored run resumes at clock k without applying any update twice. Files are
/// <c>ps-shard-SSSS-clock-KKKKKKKK.bin</c>, written under a temporary name and renamed into place, with an xxHash64
/// checksum over the content.
/// </summary>
/// <param name="ShardId">The shard.</param>
/// <param name="Clock">k: the slowest worker's clock when the snapshot was taken.</param>
/// <param name="FirstKey">The shard's first key.</param>
/// <param name="Count">The shard's key count.</param>
/// <param name="StatePerEntry">Updater state entries per key.</param>
/// <param name="Keys">The rows held, ascending.</param>
/// <param name="Values">One value per row.</param>
/// <param name="State">StatePerEntry values per row.</param>
public sealed partial record ShardSnapshot(int ShardId, int Clock, int FirstKey, int Count, int StatePerEntry, int[] Keys, double[] Values, double[] State)
{
    private const int Magic = 0x31535044; // "DPS1"

    /// <summary>The file of shard <paramref name="shard"/>'s snapshot at <paramref name="clock"/> in <paramref name="directory"/>.</summary>
    public static string PathOf(string directory, int shard, int clock) =>
        Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"ps-shard-{shard:D4}-clock-{clock:D8}.bin"));

    /// <summary>
    /// The latest clock at which every one of <paramref name="shards"/> shards has a snapshot in
    /// <paramref name="directory"/>, or 0 when there is none (a missing directory included).
    /// </summary>
    public static int LatestComplete(string directory, int shards)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        var clocks = new Dictionary<int, HashSet<int>>();
        foreach (var file in Directory.EnumerateFiles(directory, "ps-shard-*-clock-*.bin"))
        {
            var match = FileName().Match(Path.GetFileName(file));
            if (match.Success)
            {
                var clock = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
                var shard = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                if (!clocks.TryGetValue(clock, out var set))
                {
                    clocks[clock] = set = [];
                }

                set.Add(shard);
            }
        }

        return clocks.Where(c => c.Value.Count >= shards && Enumerable.Range(0, shards).All(c.Value.Contains))
            .Select(c => c.Key).DefaultIfEmpty(0).Max();
    }

    /// <summary>Writes the snapshot atomically (temporary name, then rename) and removes this shard's snapshots older
    /// than the previous one (a complete set always survives: shards are at most one snapshot apart), unless
    /// <paramref name="keepAll"/>.</summary>
    public void WriteTo(string directory, bool keepAll = false)
    {
        Directory.CreateDirectory(directory);
        var final = PathOf(directory, ShardId, Clock);
        var temp = Path.Combine(directory, $".tmp-{Guid.NewGuid():N}-{Path.GetFileName(final)}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                var body = Serialize();
                stream.Write(body);
                stream.Write(BitConverter.GetBytes(XxHash64.HashToUInt64(body)));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, final, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }

        if (keepAll)
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(directory, string.Create(CultureInfo.InvariantCulture, $"ps-shard-{ShardId:D4}-clock-*.bin")))
        {
            var match = FileName().Match(Path.GetFileName(file));
            if (match.Success && int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) < Clock && IsOlderThanPrevious(directory, file))
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>Reads a snapshot file.</summary>
    /// <exception cref="InvalidDataException">The file is truncated or fails its checksum; the message names it.</exception>
    public static ShardSnapshot ReadFrom(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException e)
        {
            throw new InvalidDataException($"{path}: the parameter-server snapshot is missing; restore from a clock every shard has a file for.", e);
        }

        if (bytes.Length < 8 || XxHash64.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8)) != BitConverter.ToUInt64(bytes, bytes.Length - 8))
        {
            throw new InvalidDataException($"{path}: the parameter-server snapshot is truncated or corrupt (checksum mismatch); delete it to restore from an earlier one.");
        }

        using var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - 8));
        if (reader.ReadInt32() != Magic)
        {
            throw new InvalidDataException($"{path}: not a parameter-server snapshot.");
        }

        var (shard, clock, first, count, spe, rows) = (reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32());
        var keys = new int[rows];
        var values = new double[rows];
        var state = new double[rows * spe];
        for (var i = 0; i < rows; i++)
        {
            keys[i] = reader.ReadInt32();
            values[i] = reader.ReadDouble();
        }

        for (var i = 0; i < state.Length; i++)
        {
            state[i] = reader.ReadDouble();
        }

        return new ShardSnapshot(shard, clock, first, count, spe, keys, values, state);
    }

    private byte[] Serialize()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            writer.Write(Magic);
            writer.Write(ShardId);
            writer.Write(Clock);
            writer.Write(FirstKey);
            writer.Write(Count);
            writer.Write(StatePerEntry);
            writer.Write(Keys.Length);
            for (var i = 0; i < Keys.Length; i++)
            {
                writer.Write(Keys[i]);
                writer.Write(Values[i]);
            }

            foreach (var s in State)
            {
                writer.Write(s);
            }
        }

        return buffer.ToArray();
    }

    // A file older than this snapshot is deleted unless it is the newest of the older ones.
    private bool IsOlderThanPrevious(string directory, string file)
    {
        var older = Directory.EnumerateFiles(directory, string.Create(CultureInfo.InvariantCulture, $"ps-shard-{ShardId:D4}-clock-*.bin"))
            .Select(f => FileName().Match(Path.GetFileName(f)))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))
            .Where(c => c < Clock)
            .DefaultIfEmpty(-1)
            .Max();
        var match = FileName().Match(Path.GetFileName(file));
        return int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) < older;
    }

    [GeneratedRegex(@"^ps-shard-(\d{4})-clock-(\d{8})\.bin$")]
    private static partial Regex FileName();
}

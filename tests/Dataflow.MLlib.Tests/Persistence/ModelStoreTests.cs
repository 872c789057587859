using System.Text.Json.Nodes;
using Dataflow.MLlib.Persistence;
using Dataflow.MLlib.Tests.Support;

namespace Dataflow.MLlib.Tests.Persistence;

public sealed class ModelStoreTests
{
    private static readonly double[] s_data = [1.5, -0.0, double.Epsilon, 1e300, -7];

    [Fact]
    public async Task SaveThenLoad_ReturnsTheSameParametersAndBits()
    {
        using var temp = new TempDirectory();
        var dir = Path.Combine(temp.Path, "model");

        await ModelStore.SaveAsync(dir, "TestModel", new JsonObject { ["features"] = 5 }, s_data, overwrite: false, CancellationToken.None);
        var (parameters, data) = await ModelStore.LoadAsync(dir, "TestModel", CancellationToken.None);

        Assert.Equal(5, parameters["features"]!.GetValue<int>());
        Assert.Equal(s_data.Select(BitConverter.DoubleToInt64Bits), data.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(["data.bin", "metadata.json"], Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Single(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task Load_OfAnotherModelType_NamesBoth()
    {
        using var temp = new TempDirectory();
        await ModelStore.SaveAsync(temp.Path, "KMeansModel", [], s_data, overwrite: true, CancellationToken.None);

        var error = await Assert.ThrowsAsync<ModelFormatException>(() => ModelStore.LoadAsync(temp.Path, "LogisticRegressionModel", CancellationToken.None));
        Assert.Contains("holds a KMeansModel, not a LogisticRegressionModel", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_OfANewerFormat_IsRefusedWithBothVersions()
    {
        using var temp = new TempDirectory();
        await ModelStore.SaveAsync(temp.Path, "M", [], s_data, overwrite: true, CancellationToken.None);
        var metadataPath = Path.Combine(temp.Path, "metadata.json");
        var metadata = JsonNode.Parse(File.ReadAllText(metadataPath))!.AsObject();
        metadata["formatVersion"] = ModelStore.FormatVersion + 1;
        File.WriteAllText(metadataPath, metadata.ToJsonString());

        var error = await Assert.ThrowsAsync<ModelFormatException>(() => ModelStore.LoadAsync(temp.Path, "M", CancellationToken.None));
        Assert.Contains($"format version {ModelStore.FormatVersion + 1}, newer than this build reads ({ModelStore.FormatVersion})", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_OfDamagedData_FailsOnTheChecksum()
    {
        using var temp = new TempDirectory();
        await ModelStore.SaveAsync(temp.Path, "M", [], s_data, overwrite: true, CancellationToken.None);
        var dataPath = Path.Combine(temp.Path, "data.bin");
        var bytes = File.ReadAllBytes(dataPath);
        bytes[3] ^= 1;
        File.WriteAllBytes(dataPath, bytes);

        var error = await Assert.ThrowsAsync<ModelFormatException>(() => ModelStore.LoadAsync(temp.Path, "M", CancellationToken.None));
        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_IntoANonEmptyDirectory_WithoutOverwrite_FailsAndKeepsIt()
    {
        using var temp = new TempDirectory();
        var existing = temp.Write("model/keep.txt", "x");

        var error = await Assert.ThrowsAsync<IOException>(() =>
            ModelStore.SaveAsync(Path.GetDirectoryName(existing)!, "M", [], s_data, overwrite: false, CancellationToken.None));
        Assert.Contains("overwrite", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(existing));

        await ModelStore.SaveAsync(Path.GetDirectoryName(existing)!, "M", [], s_data, overwrite: true, CancellationToken.None);
        Assert.False(File.Exists(existing));
        Assert.Single(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task Save_Cancelled_LeavesNothing()
    {
        using var temp = new TempDirectory();
        var dir = Path.Combine(temp.Path, "model");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ModelStore.SaveAsync(dir, "M", [], s_data, overwrite: false, new CancellationToken(canceled: true)));
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }
}

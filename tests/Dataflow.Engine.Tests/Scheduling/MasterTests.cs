namespace Dataflow.Tests.Scheduling;

public sealed class MasterTests
{
    [Theory]
    [InlineData("local", 1)]
    [InlineData("local[3]", 3)]
    [InlineData(" local[12] ", 12)]
    public void Parse_LocalForms_GiveThreadCounts(string url, int threads)
    {
        var master = Master.Parse(url);
        Assert.True(master.IsLocal);
        Assert.Equal(threads, master.LocalThreads);
    }

    [Fact]
    public void Parse_LocalStar_UsesEveryCore() => Assert.Equal(Environment.ProcessorCount, Master.Parse("local[*]").LocalThreads);

    [Fact]
    public void Parse_Orleans_ListsGateways()
    {
        var master = Master.Parse("orleans://10.0.0.1:30000,host-b:30001");
        Assert.False(master.IsLocal);
        Assert.Equal(["10.0.0.1:30000", "host-b:30001"], master.Gateways);
    }

    [Theory]
    [InlineData("spark://x:7077")]
    [InlineData("local[0]")]
    [InlineData("local[two]")]
    [InlineData("orleans://")]
    [InlineData("orleans://host")]
    public void Parse_BadUrls_NameTheAcceptedForms(string url)
    {
        var error = Assert.Throws<ArgumentException>(() => Master.Parse(url));
        Assert.Contains($"'{url}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("host:port", error.Message, StringComparison.Ordinal);
        // Programs print the message as it is: no "(Parameter 'url')" tail.
        Assert.Null(error.ParamName);
        Assert.DoesNotContain("(Parameter", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ExplicitBeatsEnvironment()
    {
        var saved = Environment.GetEnvironmentVariable("DATAFLOW_MASTER");
        try
        {
            Environment.SetEnvironmentVariable("DATAFLOW_MASTER", "local[3]");
            Assert.Equal(3, Master.Resolve(null).LocalThreads);
            Assert.Equal(1, Master.Resolve("local").LocalThreads);
            Environment.SetEnvironmentVariable("DATAFLOW_MASTER", null);
            Assert.Equal(Environment.ProcessorCount, Master.Resolve(null).LocalThreads);
        }
        finally
        {
            Environment.SetEnvironmentVariable("DATAFLOW_MASTER", saved);
        }
    }

    [Theory]
    [InlineData("orleans+redis://10.0.0.5:6379", "10.0.0.5:6379")]
    [InlineData("orleans+redis://redis.example:6380/3", "redis.example:6380,defaultDatabase=3")]
    [InlineData("ORLEANS+REDIS://127.0.0.1:7000/0/", "127.0.0.1:7000,defaultDatabase=0")]
    public void Parse_RedisMaster_IsAClusterWithTheRedisServer(string url, string configuration)
    {
        var master = Master.Parse(url);

        Assert.False(master.IsLocal);
        Assert.Empty(master.Gateways);
        Assert.Equal(configuration, master.RedisConfiguration);
    }

    [Theory]
    [InlineData("orleans+redis://")]
    [InlineData("orleans+redis://host")]
    [InlineData("orleans+redis://host:6379/x")]
    [InlineData("orleans+redis://a:1,b:2")]
    public void Parse_BadRedisMaster_NamesTheForm(string url)
    {
        var error = Assert.Throws<ArgumentException>(() => Master.Parse(url));
        Assert.Contains($"'{url}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("orleans+redis://host:port[/db]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_GatewayMaster_HasNoRedisServer() => Assert.Null(Master.Parse("orleans://h:1").RedisConfiguration);
}

using Dataflow.Configuration;

namespace Dataflow.Ui.Tests;

/// <summary>
/// A known application, run with the UI on a free port: job 0 reduces 100 numbers by key (a map stage of 4 tasks and a
/// result stage of 3), job 1 collects the same reduction again (its map stage skipped), job 2 counts a cached RDD of 4
/// partitions.
/// </summary>
public sealed class LiveJob : IAsyncDisposable
{
    private LiveJob(DriverUi ui, DataflowContext context, HttpClient http)
    {
        Ui = ui;
        Context = context;
        Http = http;
    }

    public DriverUi Ui { get; }

    public DataflowContext Context { get; }

    public HttpClient Http { get; }

    public static async Task<LiveJob> RunAsync(string? eventLogDirectory = null)
    {
        var ui = await DriverUi.StartAsync(new UiOptions { Port = 0, ConsoleProgress = false }, TextWriter.Null, "test");
        var options = new DataflowOptions { Master = "local[2]" };
        options.EventLog.Directory = eventLogDirectory;
        var context = new DataflowContext(options, listeners: ui.Listeners);
        var reduced = context.Parallelize(Enumerable.Range(0, 100), 4).Select(x => (x % 5, 1)).ReduceByKey((a, b) => a + b, 3);
        Assert.Equal(5, (await reduced.ToListAsync()).Count);
        Assert.Equal(5, (await reduced.ToListAsync()).Count);
        var cached = context.Parallelize(Enumerable.Range(0, 40), 4).Select(x => x * 2).Cache();
        Assert.Equal(40, await cached.CountAsync());
        await context.Listeners.FlushAsync();
        return new LiveJob(ui, context, new HttpClient { BaseAddress = ui.Url });
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Context.DisposeAsync();
        await Ui.DisposeAsync();
    }
}

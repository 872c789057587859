using Microsoft.Playwright;

namespace Dataflow.Ui.Tests;

/// <summary>
/// The UI of a finished job in a real browser: Debian's Chromium, driven by Playwright for .NET with its bundled
/// driver (no browser download). Saves a screenshot of the job page under <c>TestResults/ui/</c> of the repository
/// and attaches it to the test result. Skips when Chromium is not installed, except under <c>.ci/run</c>
/// (<c>DATAFLOW_CI_RUN=1</c>), which installs it and where a skip would hide the test: there it fails.
/// </summary>
public sealed class BrowserTests
{
    private static readonly string[] s_chromiumPaths = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

    [Fact]
    public async Task FinishedJob_JobsTableListsIt_DagHasOneElementPerStage_Screenshot()
    {
        var chromium = s_chromiumPaths.FirstOrDefault(File.Exists);
        if (chromium is null)
        {
            const string reason = "Chromium is not installed (/usr/bin/chromium); .ci/run installs it with apt-get install -y chromium";
            Assert.False(Environment.GetEnvironmentVariable("DATAFLOW_CI_RUN") == "1", reason + ", but this is .ci/run: the install failed.");
            Assert.Skip(reason);
        }

        await using var job = await LiveJob.RunAsync();
        var stageIds = (await job.Http.GetJsonAsync($"/api/v1/applications/{job.Context.ApplicationId}/jobs/0"))
            .GetProperty("stageIds").Items().Select(s => s.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(2, stageIds.Count);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--headless", "--disable-background-networking", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });

        await page.GotoAsync(new Uri(job.Ui.Url!, "jobs/").ToString());
        var rows = page.Locator("#jobs tbody tr");
        Assert.Equal(3, await rows.CountAsync());
        var firstJob = page.Locator("#jobs tbody tr", new PageLocatorOptions { HasText = "ToListAsync at LiveJob.cs" }).Last;
        Assert.Contains("SUCCEEDED", await firstJob.InnerTextAsync(), StringComparison.Ordinal);

        await firstJob.Locator("a").First.ClickAsync();
        await page.WaitForURLAsync("**/jobs/job/?id=0");
        var stages = page.Locator("svg#dag [data-stage-id]");
        Assert.Equal(stageIds.Count, await stages.CountAsync());
        var shown = new List<string>();
        for (var i = 0; i < stageIds.Count; i++)
        {
            shown.Add((await stages.Nth(i).GetAttributeAsync("data-stage-id"))!);
        }

        Assert.Equal(stageIds.Order(), shown.Order());
        Assert.Equal(1, await page.Locator("svg#dag [data-shuffle-id]").CountAsync());
        Assert.True(await page.Locator("svg#dag").IsVisibleAsync());

        await SaveScreenshotAsync(page, "job-0.png");

        await page.Locator("#stages a", new PageLocatorOptions { HasText = "0" }).First.ClickAsync();
        await page.WaitForURLAsync("**/stages/stage/?id=0&attempt=0");
        Assert.True(await page.Locator("#summary").IsVisibleAsync());
        Assert.Equal(4, await page.Locator("svg#timeline rect.task").CountAsync());
        Assert.Equal(4, await page.Locator("#tasks tbody tr").CountAsync());
        await SaveScreenshotAsync(page, "stage-0.png");
    }

    private static async Task SaveScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(RepositoryRoot(), "TestResults", "ui", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var png = await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(png.Length > 1000);
        TestContext.Current.AddAttachment(name, png, "image/png");
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Dataflow.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? AppContext.BaseDirectory;
    }
}

using Dataflow.Cluster.Tests.Scripts;

namespace Dataflow.Cluster.Tests.Processes;

/// <summary>What the real-worker tests share: a job application built outside the repository, and the workers' logs.</summary>
internal static class JobApps
{
    private static readonly Dictionary<string, string?> s_noEnvironment = [];

    /// <summary>
    /// Builds <paramref name="program"/> (Release) as application <paramref name="name"/> under <paramref name="dir"/>,
    /// referencing the cluster backend, MLlib and, with <paramref name="parameterServer"/>, MLlib's shard grains; returns its dll.
    /// Outside the repository its build props do not apply; the engine projects still build with theirs.
    /// </summary>
    public static async Task<string> BuildAsync(string dir, string name, string program, bool parameterServer, CancellationToken cancellationToken)
    {
        var repo = Repository.Root();
        var project = Path.Combine(dir, "src");
        Directory.CreateDirectory(project);
        await File.WriteAllTextAsync(Path.Combine(project, "Program.cs"), program, cancellationToken);
        var shards = parameterServer
            ? $"""<ProjectReference Include="{repo}/mllib/Dataflow.MLlib.Cluster/Dataflow.MLlib.Cluster.csproj" />"""
            : "";
        await File.WriteAllTextAsync(Path.Combine(project, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                <GenerateDocumentationFile>false</GenerateDocumentationFile>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{repo}/engine/Dataflow.Cluster/Dataflow.Cluster.csproj" />
                <ProjectReference Include="{repo}/mllib/Dataflow.MLlib/Dataflow.MLlib.csproj" />
                {shards}
              </ItemGroup>
            </Project>
            """, cancellationToken);
        var build = await ProcessRunner.RunAsync("dotnet", ["build", "-c", "Release", "-o", Path.Combine(dir, "out"), project], dir, s_noEnvironment,
            TimeSpan.FromMinutes(5), cancellationToken);
        Assert.True(build.ExitCode == 0, build.Stdout + build.Stderr);
        return Path.Combine(dir, "out", name + ".dll");
    }

    /// <summary>The end of every worker's log under <paramref name="runDir"/>, for failure messages.</summary>
    public static string WorkerLogs(string runDir) => !Directory.Exists(runDir) ? "" : string.Concat(
        Directory.GetFiles(runDir, "worker.log", SearchOption.AllDirectories).Select(f => $"\n--- {f}\n{string.Join('\n', File.ReadLines(f).TakeLast(30))}"));
}

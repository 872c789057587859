namespace Dataflow.Cli;

/// <summary>The <c>dotnet</c> executable that runs this tool, which then runs the submitted application.</summary>
internal static class DotnetHost
{
    /// <summary>
    /// This process's host when it is <c>dotnet</c> (<c>dotnet dataflow.dll</c>, <c>dotnet run</c>); else, as an installed
    /// tool runs from its own launcher, the <c>dotnet</c> of the runtime it runs on (<c>&lt;root&gt;/shared/Microsoft.NETCore.App/&lt;version&gt;/</c>),
    /// else <c>dotnet</c> from PATH.
    /// </summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        var executable = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } self && System.IO.Path.GetFileName(self).Equals(executable, StringComparison.OrdinalIgnoreCase))
        {
            return self;
        }

        var runtime = new DirectoryInfo(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory());
        var root = runtime.Parent?.Parent?.Parent;
        if (root is not null && File.Exists(System.IO.Path.Combine(root.FullName, executable)))
        {
            return System.IO.Path.Combine(root.FullName, executable);
        }

        return executable;
    }
}

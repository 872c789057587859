namespace Dataflow.MLlib.Tests.Support;

public static class DataFiles
{
    /// <summary>A file of tests/data, copied beside the test assembly.</summary>
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "data", name);

    /// <summary>The numeric rows of a CSV file with a header, parsed here independently of the loader.</summary>
    public static double[][] ReadCsv(string name) =>
        File.ReadAllLines(Path(name)).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(',').Select(f => double.Parse(f, System.Globalization.CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
}

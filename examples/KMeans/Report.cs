using System.Globalization;
using System.Text.Json;
using static Dataflow.Examples.MetricsJson;
using Dataflow.MLlib.Clustering;

namespace Dataflow.Examples.Clustering;

/// <summary>What a run found: printed as a short table on standard output and written as the --metrics-out JSON.</summary>
internal sealed record Report(KMeansModel Model, double Seconds)
{
    private KMeansSummary Summary => Model.Summary!;

    /// <summary>Cost, iterations and seconds, then one line per cluster: its index, size and centre.</summary>
    public void PrintTable(TextWriter output)
    {
        output.Write($"{"cost",-12}{Number(Summary.Cost)}\n");
        output.Write($"{"iterations",-12}{Summary.Iterations.ToString(CultureInfo.InvariantCulture)}\n");
        output.Write($"{"seconds",-12}{Seconds.ToString("F3", CultureInfo.InvariantCulture)}\n");
        output.Write($"{"cluster",-8}{"size",-10}center\n");
        for (var c = 0; c < Model.K; c++)
        {
            var center = string.Join(" ", Model.ClusterCenters[c].ToArray().Select(Number));
            output.Write($"{c.ToString(CultureInfo.InvariantCulture),-8}{Summary.ClusterSizes[c].ToString(CultureInfo.InvariantCulture),-10}{center}\n");
        }
    }

    /// <summary><c>{"cost", "centers", "iterations", "seconds"}</c>, every number finite.</summary>
    public Task WriteJsonAsync(string path, CancellationToken cancellationToken) =>
        MetricsJson.WriteAsync(path, json =>
        {
            json.WriteNumber("cost", Finite(Summary.Cost));
            json.WriteStartArray("centers");
            foreach (var center in Model.ClusterCenters)
            {
                json.WriteStartArray();
                foreach (var value in center.ToArray())
                {
                    json.WriteNumberValue(Finite(value));
                }

                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteNumber("iterations", Summary.Iterations);
            json.WriteNumber("seconds", Finite(Seconds));
        }, cancellationToken);
}

using System.Globalization;
using System.Text.Json;
using static Dataflow.Examples.MetricsJson;
using Dataflow.MLlib.Training;

namespace Dataflow.Examples.LogisticRegression;

/// <summary>What a run measured: printed as a short table on standard output and written as the --metrics-out JSON.</summary>
internal sealed record Report(double Objective, double TrainAccuracy, double? TestAccuracy, int Iterations, double Seconds, int Classes, TrainingSummary Summary)
{
    public void PrintTable(TextWriter output)
    {
        var rows = new List<(string Name, string Value)>
        {
            ("objective", Number(Objective)),
            ("train accuracy", Number(TrainAccuracy)),
        };
        if (TestAccuracy is { } test)
        {
            rows.Add(("test accuracy", Number(test)));
        }

        rows.Add(("iterations", Iterations.ToString(CultureInfo.InvariantCulture)));
        rows.Add(("classes", Classes.ToString(CultureInfo.InvariantCulture)));
        rows.Add(("seconds", Number(Seconds)));
        foreach (var (name, value) in rows)
        {
            output.Write($"{name,-16}{value}\n");
        }
    }

    public Task WriteJsonAsync(string path, CancellationToken cancellationToken) =>
        MetricsJson.WriteAsync(path, json =>
        {
            json.WriteString("mode", "driver");
            json.WriteNumber("objective", Finite(Objective));
            json.WriteNumber("trainAccuracy", Finite(TrainAccuracy));
            if (TestAccuracy is { } test)
            {
                json.WriteNumber("testAccuracy", Finite(test));
            }

            json.WriteNumber("iterations", Iterations);
            json.WriteNumber("seconds", Finite(Seconds));
            json.WriteNumber("classes", Classes);
            json.WriteStartObject("timings");
            json.WriteNumber("computeSeconds", Finite(Summary.ComputeSeconds));
            json.WriteNumber("broadcastSeconds", Finite(Summary.BroadcastSeconds));
            json.WriteNumber("aggregateSeconds", Finite(Summary.AggregateSeconds));
            json.WriteNumber("schedulingSeconds", Finite(Summary.SchedulingSeconds));
            json.WriteNumber("driverSeconds", Finite(Summary.DriverSeconds));
            json.WriteEndObject();
        }, cancellationToken);
}

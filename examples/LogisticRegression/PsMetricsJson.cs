using System.Text.Json;
using Dataflow.MLlib.ParameterServer;
using static Dataflow.Examples.MetricsJson;

namespace Dataflow.Examples;

/// <summary>The parameter-server fields of the ML examples' --metrics-out, one set of names for every PS trainer.</summary>
internal static class PsMetricsJson
{
    /// <summary>
    /// <c>mode</c>, <c>consistency</c>, <c>objective</c>, <c>iterations</c> and <c>clocks</c>, <c>seconds</c>,
    /// <c>workers</c>, <c>bytesSent</c>, <c>bytesReceived</c>, <c>waitSeconds</c> and the <c>timings</c> object.
    /// </summary>
    public static void Write(Utf8JsonWriter json, PsTrainingSummary summary, double seconds)
    {
        json.WriteString("mode", "ps");
        json.WriteString("consistency", summary.Consistency);
        json.WriteNumber("objective", Finite(summary.Objective));
        json.WriteNumber("iterations", summary.Clocks);
        json.WriteNumber("clocks", summary.Clocks);
        json.WriteNumber("seconds", Finite(seconds));
        json.WriteNumber("workers", summary.Workers.Count);
        json.WriteNumber("bytesSent", summary.BytesSent);
        json.WriteNumber("bytesReceived", summary.BytesReceived);
        json.WriteNumber("waitSeconds", Finite(summary.WaitSeconds));
        json.WriteStartObject("timings");
        json.WriteNumber("computeSeconds", Finite(summary.Workers.Sum(w => w.ComputeSeconds.Sum())));
        json.WriteNumber("communicationSeconds", Finite(summary.Workers.Sum(w => w.CommunicationSeconds.Sum())));
        json.WriteNumber("waitSeconds", Finite(summary.WaitSeconds));
        json.WriteEndObject();
    }
}

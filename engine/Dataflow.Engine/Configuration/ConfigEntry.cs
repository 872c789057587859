namespace Dataflow.Configuration;

/// <summary>One key/value from one source, kept together so errors can say where a bad value came from.</summary>
/// <param name="Key">The key as written, e.g. <c>Dataflow:SCHEDULER:MAXTASKFAILURES</c>.</param>
/// <param name="Value">The raw value; null or empty means unset for nullable options.</param>
/// <param name="Source">Where it came from: <c>--conf</c>, <c>environment variable X</c>, <c>JSON file F</c>.</param>
internal readonly record struct ConfigEntry(string Key, string? Value, string Source);

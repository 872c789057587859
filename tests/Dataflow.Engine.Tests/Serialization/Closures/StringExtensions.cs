namespace Dataflow.Tests.Serialization.Closures;

/// <summary>An extension method, for delegates closed over their first argument.</summary>
internal static class StringExtensions
{
    public static string Wrap(this string prefix, string value) => prefix + value + ">";
}

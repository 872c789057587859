using System.Text;
using Dataflow.Partitioning;

namespace Dataflow.HashProbe;

/// <summary>
/// A fixed list of values covering every kind of hasher. The probe prints their hashes; the test computes the same
/// list in its own process and compares, so any per-process randomness shows up as a mismatch.
/// </summary>
public static class ProbeValues
{
    public static IReadOnlyList<(string Label, int Hash)> Compute() =>
    [
        ("string:hello", StableHash.Of("hello")),
        ("string:empty", StableHash.Of("")),
        ("string:unicode", StableHash.Of("naïve café ☕ 𝄞")),
        ("string:long", StableHash.Of(new StringBuilder().Insert(0, "dataflow ", 100).ToString())),
        ("span:hello", StableHash.String("say hello".AsSpan(4))),
        ("string:null", StableHash.Of<string?>(null)),
        ("bool:true", StableHash.Of(true)),
        ("char:x", StableHash.Of('x')),
        ("byte:200", StableHash.Of((byte)200)),
        ("int:42", StableHash.Of(42)),
        ("int:-1", StableHash.Of(-1)),
        ("long:max", StableHash.Of(long.MaxValue)),
        ("ulong:max", StableHash.Of(ulong.MaxValue)),
        ("double:pi", StableHash.Of(Math.PI)),
        ("double:-0", StableHash.Of(-0.0)),
        ("double:nan", StableHash.Of(double.NaN)),
        ("float:1.5", StableHash.Of(1.5f)),
        ("decimal:1.50", StableHash.Of(1.50m)),
        ("guid", StableHash.Of(new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"))),
        ("datetime", StableHash.Of(new DateTime(2024, 2, 29, 12, 30, 0, DateTimeKind.Utc))),
        ("dateonly", StableHash.Of(new DateOnly(2024, 2, 29))),
        ("timespan", StableHash.Of(TimeSpan.FromMinutes(90))),
        ("enum:friday", StableHash.Of(DayOfWeek.Friday)),
        ("bytes", StableHash.Of(new byte[] { 1, 2, 3, 250 })),
        ("int?:7", StableHash.Of<int?>(7)),
        ("tuple2", StableHash.Of(("word", 3))),
        ("tuple3", StableHash.Of((1L, "b", 2.5))),
        ("tuple7", StableHash.Of((1, 2, 3, 4, 5, 6, 7))),
        ("tuple9", StableHash.Of((1, 2, 3, 4, 5, 6, 7, 8, 9))),
        ("pair", StableHash.Of(KeyValuePair.Create("k", 9))),
        ("object:boxed-string", StableHash.Of<object>("hello")),
        ("hashable", StableHash.Of(new ProbeKey(3))),
        ("messagepack:record", StableHash.Of(new ProbeRecord("a", 1, [1.5, 2.5]))),
    ];
}

using Dataflow.HashProbe;

// stdout carries results only: one "label<TAB>hash" line per probe value.
foreach (var (label, hash) in ProbeValues.Compute())
{
    Console.Out.Write($"{label}\t{hash.ToString(System.Globalization.CultureInfo.InvariantCulture)}\n");
}

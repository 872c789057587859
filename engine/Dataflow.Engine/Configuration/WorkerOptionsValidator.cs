namespace Dataflow.Configuration;

internal sealed class WorkerOptionsValidator : OptionsValidator<WorkerOptions>
{
    protected override void Validate(string prefix, WorkerOptions options, ICollection<string> failures)
    {
        foreach (var (name, port) in new[] { (nameof(options.SiloPort), options.SiloPort), (nameof(options.GatewayPort), options.GatewayPort) })
        {
            if (port is < 1 or > 65535)
            {
                failures.Add(Failure(prefix, name, "must be a port number between 1 and 65535", port));
            }
        }

        if (options.SiloPort == options.GatewayPort)
        {
            failures.Add(Failure(prefix, nameof(options.GatewayPort), "must differ from the silo port", options.GatewayPort));
        }

        if (!string.IsNullOrEmpty(options.PrimarySilo) && !System.Net.IPEndPoint.TryParse(options.PrimarySilo, out _) && options.PrimarySilo.LastIndexOf(':') <= 0)
        {
            failures.Add(Failure(prefix, nameof(options.PrimarySilo), "must be host:port", options.PrimarySilo));
        }

        if (options.DriverTimeout <= TimeSpan.Zero)
        {
            failures.Add(Failure(prefix, nameof(options.DriverTimeout), "must be > 0", options.DriverTimeout));
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add(Failure(prefix, nameof(options.ClusterId), "must not be empty", options.ClusterId));
        }
    }
}

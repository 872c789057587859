using Dataflow.Configuration;

namespace Dataflow.Ui;

internal sealed class UiOptionsValidator : OptionsValidator<UiOptions>
{
    protected override void Validate(string prefix, UiOptions options, ICollection<string> failures)
    {
        if (options.Port is < 0 or > 65535)
        {
            failures.Add(Failure(prefix, nameof(options.Port), "must be a port from 0 to 65535", options.Port));
        }

        if (options.MaxPortRetries is < 0 or > 1000)
        {
            failures.Add(Failure(prefix, nameof(options.MaxPortRetries), "must be from 0 to 1000", options.MaxPortRetries));
        }

        if (options.RetainedJobs < 1)
        {
            failures.Add(Failure(prefix, nameof(options.RetainedJobs), "must be at least 1", options.RetainedJobs));
        }

        if (!System.Net.IPAddress.TryParse(options.Host, out _) && options.Host != "localhost")
        {
            failures.Add(Failure(prefix, nameof(options.Host), "must be an IP address such as 127.0.0.1, or localhost", options.Host));
        }
    }
}

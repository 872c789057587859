using Microsoft.Extensions.Logging;

namespace Dataflow.Configuration;

internal sealed class LogOptionsValidator : OptionsValidator<LogOptions>
{
    protected override void Validate(string prefix, LogOptions options, ICollection<string> failures)
    {
        if (!Enum.IsDefined(options.Level))
        {
            failures.Add(Failure(prefix, nameof(options.Level), "must be one of trace, debug, information, warning, error, critical, none", options.Level));
        }
    }
}

namespace Dataflow.Configuration;

internal sealed class DataflowClusterOptionsValidator : OptionsValidator<DataflowClusterOptions>
{
    /// <summary>The shortest cluster key accepted (a key file is held to the same rule when it is read).</summary>
    public const int MinKeyLength = 16;

    protected override void Validate(string prefix, DataflowClusterOptions options, ICollection<string> failures)
    {
        if (options.Membership == ClusterMembership.Redis && string.IsNullOrWhiteSpace(options.RedisConnection))
        {
            failures.Add(Failure(prefix, nameof(options.RedisConnection), "must name the Redis server (host:port) when Membership is redis", options.RedisConnection));
        }

        if (options.AdvertisedAddress is not null && !System.Net.IPAddress.TryParse(options.AdvertisedAddress, out _))
        {
            failures.Add(Failure(prefix, nameof(options.AdvertisedAddress), "must be an IP address, e.g. 10.0.0.5", options.AdvertisedAddress));
        }

        if (options.Key is not null && options.KeyFile is not null)
        {
            failures.Add($"{prefix}:{nameof(options.Key)} and {prefix}:{nameof(options.KeyFile)} are both set: give the cluster key one way only");
        }

        if (options.Key is not null && options.Key.Trim().Length < MinKeyLength)
        {
            // The key's value is never echoed.
            failures.Add($"{prefix}:{nameof(options.Key)} must be at least {MinKeyLength} characters, got {options.Key.Trim().Length}; generate one with: openssl rand -hex 32");
        }
    }
}

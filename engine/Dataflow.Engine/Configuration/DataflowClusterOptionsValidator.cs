namespace Dataflow.Configuration;

internal sealed class DataflowClusterOptionsValidator : OptionsValidator<DataflowClusterOptions>
{
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
    }
}

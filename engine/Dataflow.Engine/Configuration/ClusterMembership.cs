namespace Dataflow.Configuration;

/// <summary>Where a cluster's silos and drivers find each other (<c>Dataflow:Cluster:Membership</c>).</summary>
public enum ClusterMembership
{
    /// <summary>Orleans development clustering: a primary silo keeps the table in memory; drivers list gateways.</summary>
    Development,

    /// <summary>A Redis server keeps the table (<c>Dataflow:Cluster:RedisConnection</c>): no primary silo, any node may die.</summary>
    Redis,
}

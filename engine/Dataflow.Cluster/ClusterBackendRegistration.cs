using Dataflow.Cluster.Driver;
using Dataflow.Scheduling.Backends;

// Makes orleans:// masters work in every application that references this assembly, even one that names none of its
// types (the engine finds this attribute among the application's assemblies).
[assembly: ClusterBackend(typeof(OrleansBackendFactory))]

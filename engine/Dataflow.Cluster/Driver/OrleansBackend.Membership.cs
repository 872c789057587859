using Dataflow.Cluster.Grains;
using Dataflow.Cluster.Worker;
using Dataflow.Scheduling;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Dataflow.Cluster.Driver;

/// <summary>Following membership: setting up workers that join, forgetting those that leave.</summary>
internal sealed partial class OrleansBackend
{
    private void MarkLost(RemoteExecutor executor, string reason)
    {
        ITaskSchedulerEvents? scheduler;
        lock (_lock)
        {
            if (!executor.Alive)
            {
                return;
            }

            executor.Alive = false;
            _executors.Remove(executor.Id);
            scheduler = _scheduler;
        }

        LogExecutorLost(executor.Id, reason);
        // Its map outputs are forgotten below; the scheduler re-queues its running tasks without counting them.
        scheduler?.ExecutorLost(executor.Id, reason);
        _context.Listeners.Post(new ExecutorRemovedEvent(_context.Now, executor.Id, reason));
        executor.Lost.Cancel();
        _context.MapOutputs.RemoveOutputsOnExecutor(executor.Id);
        _context.BlockLocations.RemoveExecutor(executor.Id);
        _endpoint.RemoveExecutor(executor.Id);
    }

    private async Task FollowMembershipAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(s_membershipPoll, _stopping.Token).ConfigureAwait(false);
                await RefreshMembershipAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogMembershipFailed(e.Message);
            }
        }
    }

    private async Task RefreshMembershipAsync()
    {
        var hosts = await _client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).ConfigureAwait(false);
        var active = hosts.Keys.Select(s => s.ToParsableString()).ToHashSet(StringComparer.Ordinal);
        List<RemoteExecutor> gone;
        List<string> joined;
        lock (_lock)
        {
            gone = [.. _executors.Values.Where(e => !active.Contains(e.Id))];
            joined = [.. active.Where(id => !_executors.ContainsKey(id) && !_withoutSlots.ContainsKey(id) && !_incompatible.ContainsKey(id) && !_refused.ContainsKey(id) && _settingUp.Add(id))];
        }

        foreach (var executor in gone)
        {
            MarkLost(executor, "it left the cluster");
        }

        await Task.WhenAll(joined.Select(SetUpAsync)).ConfigureAwait(false);
    }

    /// <summary>Uploads the job's assemblies a new worker lacks, registers the application, then offers its slots.</summary>
    private async Task SetUpAsync(string siloAddress)
    {
        try
        {
            var grain = _client.GetGrain<IExecutorGrain>(siloAddress);
            var build = await grain.GetBuild().ConfigureAwait(false);
            if (build != WireProtocol.Build)
            {
                _incompatible[siloAddress] = build;
                LogIncompatible(siloAddress, build, WireProtocol.Build);
                return;
            }

            var info = await grain.GetInfo().ConfigureAwait(false);
            if (info.Slots <= 0)
            {
                // A membership-only primary: asked once.
                _withoutSlots[siloAddress] = true;
                return;
            }

            if (!await AdmitAsync(grain, siloAddress).ConfigureAwait(false))
            {
                return;
            }

            var executor = new RemoteExecutor(grain, _client.GetGrain<IBlockServiceGrain>(siloAddress), info, _ticket);
            var missing = (await grain.MissingBlobs(_ticket, [.. _assemblies.Select(a => WorkerExecutor.AssemblyKey(a.Assembly.Hash))]).ConfigureAwait(false)).ToHashSet();
            foreach (var (assembly, bytes) in _assemblies.Where(a => missing.Contains(WorkerExecutor.AssemblyKey(a.Assembly.Hash))))
            {
                await executor.EnsureBlobAsync(WorkerExecutor.AssemblyKey(assembly.Hash), bytes).ConfigureAwait(false);
            }

            await grain.RegisterApplication(_ticket, _spec).ConfigureAwait(false);
            ITaskSchedulerEvents? scheduler;
            lock (_lock)
            {
                _executors[info.ExecutorId] = executor;
                scheduler = _scheduler;
            }

            LogExecutorAdded(info.ExecutorId, info.Slots, missing.Count);
            _context.Listeners.Post(new ExecutorAddedEvent(_context.Now, info.ExecutorId, info.Host, info.Slots));
            // Before Attach (while the context starts) the executor is reported by Attach instead.
            scheduler?.ExecutorAdded(SlotsOf(executor));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _lastSetUpFailure = $"setting up worker {siloAddress} failed: {e.Message}";
            LogSetUpFailed(siloAddress, e.Message);
        }
        finally
        {
            lock (_lock)
            {
                _settingUp.Remove(siloAddress);
            }
        }
    }

    /// <summary>
    /// Registration's challenge-response (<see cref="Security.ClusterKey"/>): the worker admits this application once
    /// the driver proved it holds the cluster key, and this driver ships nothing to a worker that did not prove the
    /// same. False (the worker recorded as refused, and not asked again) when either side's proof fails.
    /// </summary>
    private async Task<bool> AdmitAsync(IExecutorGrain grain, string siloAddress)
    {
        var challenge = await grain.Challenge(AppId).ConfigureAwait(false);
        var driverNonce = Security.ClusterKey.NewNonce();
        // Without a key the proof is empty: a worker that requires one refuses it, and logs that.
        var proof = _key?.DriverProof(AppId, challenge.Nonce, driverNonce, _ticket.Token) ?? [];
        byte[]? workerProof;
        try
        {
            workerProof = await grain.Admit(_ticket, driverNonce, proof).ConfigureAwait(false);
        }
        catch (UnauthorizedAccessException e)
        {
            var advice = _key is null
                ? "This driver has no cluster key: set Dataflow:Cluster:KeyFile (or Dataflow:Cluster:Key) to the workers' key."
                : "This driver's key (Dataflow:Cluster:Key / Dataflow:Cluster:KeyFile) is not the workers'.";
            Refused(siloAddress, $"{e.Message} {advice}");
            return false;
        }

        if (_key is not null && !Security.ClusterKey.Matches(_key.WorkerProof(AppId, challenge.Nonce, driverNonce), workerProof))
        {
            Refused(siloAddress, workerProof is null
                ? $"Worker {siloAddress} has no cluster key, and this driver has one: it ships its assemblies only to workers that prove they hold the same key (give the workers Dataflow:Cluster:KeyFile)."
                : $"Worker {siloAddress} answered with a proof that does not match this driver's cluster key: it ships nothing to it.");
            return false;
        }

        return true;
    }

    private void Refused(string siloAddress, string reason)
    {
        _refused[siloAddress] = reason;
        LogRefused(siloAddress, reason);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Worker {Silo} and this driver did not admit each other; it gets no tasks: {Reason}")]
    private partial void LogRefused(string silo, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Executor {ExecutorId} joined with {Slots} slots ({Uploaded} assemblies uploaded).")]
    private partial void LogExecutorAdded(string executorId, int slots, int uploaded);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Executor {ExecutorId} lost: {Reason}; its running tasks are retried elsewhere.")]
    private partial void LogExecutorLost(string executorId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Setting up worker {Silo} failed: {Reason}; retrying at the next membership poll.")]
    private partial void LogSetUpFailed(string silo, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Worker {Silo} runs {Worker}, this driver {Driver}: it gets no tasks. " + BuildAdvice)]
    private partial void LogIncompatible(string silo, string worker, string driver);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to the cluster at {Master}: {Executors} executors, {Slots} task slots.")]
    private partial void LogConnected(string master, int executors, int slots);

    [LoggerMessage(Level = LogLevel.Information, Message = "Disconnected from the cluster at {Master}.")]
    private partial void LogDisconnected(string master);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading cluster membership failed: {Reason}.")]
    private partial void LogMembershipFailed(string reason);
}

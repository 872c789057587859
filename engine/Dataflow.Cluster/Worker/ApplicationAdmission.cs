using System.Collections.Concurrent;
using Dataflow.Cluster.Grains;
using Dataflow.Cluster.Security;
using Microsoft.Extensions.Logging;

namespace Dataflow.Cluster.Worker;

/// <summary>
/// Which drivers' applications a worker accepts anything from. Registration is a challenge-response: the worker
/// hands out a fresh nonce per application (<see cref="Challenge"/>), the driver answers with an HMAC of it under the
/// cluster key (<see cref="Admit"/>), and only then may it upload assemblies, register and run tasks, each request
/// carrying the application's ticket. A worker without a key admits every driver; it listens on loopback only.
/// </summary>
internal sealed partial class ApplicationAdmission(ClusterKey? key, string executorId, ILogger logger)
{
    /// <summary>Challenges outstanding at once; beyond this the oldest are forgotten (their drivers ask again).</summary>
    private const int MaxChallenges = 1024;

    private const int MinTokenBytes = 16;

    private readonly ConcurrentDictionary<string, byte[]> _challenges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _admitted = new(StringComparer.Ordinal);

    /// <summary>Whether drivers must prove they hold the cluster key.</summary>
    public bool KeyRequired => key is not null;

    /// <summary>Applications admitted now (for tests).</summary>
    public int AdmittedCount => _admitted.Count;

    public RegistrationChallenge Challenge(string appId)
    {
        ValidateAppId(appId);
        if (_challenges.Count >= MaxChallenges)
        {
            _challenges.Clear();
        }

        var nonce = ClusterKey.NewNonce();
        _challenges[appId] = nonce;
        return new RegistrationChallenge(nonce, KeyRequired);
    }

    public byte[]? Admit(AppTicket app, byte[] driverNonce, byte[] proof)
    {
        ArgumentNullException.ThrowIfNull(app);
        ValidateAppId(app.AppId);
        // One answer per challenge: a proof seen on the wire cannot be replayed.
        if (!_challenges.TryRemove(app.AppId, out var nonce))
        {
            throw Refuse(app.AppId, "it answered no challenge of this worker (ask for one with Challenge first)");
        }

        if (app.Token is not { Length: >= MinTokenBytes } || driverNonce is not { Length: ClusterKey.NonceBytes })
        {
            throw Refuse(app.AppId, $"its ticket must have at least {MinTokenBytes} bytes and its nonce {ClusterKey.NonceBytes}");
        }

        if (key is not null && !ClusterKey.Matches(key.DriverProof(app.AppId, nonce, driverNonce, app.Token), proof))
        {
            throw Refuse(app.AppId, proof is { Length: > 0 }
                ? "the driver's proof does not match this worker's cluster key: the driver has another key than the workers"
                : "the driver has no cluster key and this worker requires one");
        }

        if (_admitted.TryGetValue(app.AppId, out var admitted) && !ClusterKey.Matches(admitted, app.Token))
        {
            throw Refuse(app.AppId, "the application was admitted with another ticket");
        }

        _admitted[app.AppId] = app.Token;
        LogAdmitted(app.AppId, KeyRequired ? "it proved it holds the cluster key" : "this worker has no cluster key");
        return key?.WorkerProof(app.AppId, nonce, driverNonce);
    }

    /// <summary>Throws unless <paramref name="app"/> was admitted with this ticket.</summary>
    public void Require(AppTicket app, string request)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!_admitted.TryGetValue(app.AppId, out var token))
        {
            LogRefusedRequest(request, app.AppId, "the application was not admitted here");
            throw new UnauthorizedAccessException($"Executor {executorId} refused {request}: application {app.AppId} was not admitted here (a driver registers its application, proving it holds the cluster key, before anything else).");
        }

        Check(app, token, request);
    }

    /// <summary>Throws unless <paramref name="app"/> carries <paramref name="token"/>, the ticket of the application it names.</summary>
    public void Check(AppTicket app, byte[] token, string request)
    {
        if (!ClusterKey.Matches(token, app.Token))
        {
            LogRefusedRequest(request, app.AppId, "the caller's ticket is not that application's");
            throw new UnauthorizedAccessException($"Executor {executorId} refused {request} for application {app.AppId}: the caller's ticket is not that application's (an application reads only its own blocks, broadcasts and results).");
        }
    }

    /// <summary>The ticket an application was admitted with.</summary>
    public byte[] TokenOf(AppTicket app)
    {
        Require(app, "RegisterApplication");
        return _admitted[app.AppId];
    }

    public void Forget(string appId)
    {
        _admitted.TryRemove(appId, out _);
        _challenges.TryRemove(appId, out _);
    }

    private UnauthorizedAccessException Refuse(string appId, string reason)
    {
        LogRefused(appId, reason);
        return new UnauthorizedAccessException($"Worker {executorId} refused application {appId}: {reason}. Drivers and workers must be given the same Dataflow:Cluster:KeyFile (or Dataflow:Cluster:Key).");
    }

    private static void ValidateAppId(string appId)
    {
        // It names a directory on the worker.
        if (string.IsNullOrEmpty(appId) || appId.Length > 64 || !appId.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"Application id '{appId}' must be 1 to 64 ASCII letters and digits.", nameof(appId));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused application {AppId}: {Reason}; nothing of it was accepted.")]
    private partial void LogRefused(string appId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admitted application {AppId}: {Reason}.")]
    private partial void LogAdmitted(string appId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a {Request} request naming application {AppId}: {Reason}.")]
    private partial void LogRefusedRequest(string request, string appId, string reason);
}

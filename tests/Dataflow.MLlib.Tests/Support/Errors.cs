namespace Dataflow.MLlib.Tests.Support;

public static class Errors
{
    /// <summary>The <see cref="BadInputException"/> an action throws, directly or as the cause of a failed job.</summary>
    public static async Task<BadInputException> BadInputAsync(Func<Task> action)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(action);
        return error switch
        {
            BadInputException bad => bad,
            JobFailedException { InnerException: BadInputException bad } => bad,
            _ => throw new Xunit.Sdk.XunitException($"Expected a BadInputException, got {error}"),
        };
    }

    /// <summary>The cause of a failed job, of type <typeparamref name="T"/>.</summary>
    public static async Task<T> JobCauseAsync<T>(Func<Task> action) where T : Exception
    {
        var error = await Assert.ThrowsAsync<JobFailedException>(action);
        return Assert.IsType<T>(error.InnerException);
    }
}

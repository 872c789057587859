namespace Dataflow.IO;

/// <summary>
/// The last step of <see cref="OutputCommitter.CommitJob"/>: renames a finished staging directory to the
/// output path, replacing what is there when allowed.
/// </summary>
internal static class OutputReplacer
{
    /// <summary>Moves <paramref name="staging"/> to <paramref name="output"/>.</summary>
    /// <param name="staging">The complete staging directory, a sibling of <paramref name="output"/>.</param>
    /// <param name="output">The final output path.</param>
    /// <param name="overwrite">Whether a non-empty directory at <paramref name="output"/> may be replaced.</param>
    /// <param name="jobId">Names the aside directory of a replaced output.</param>
    /// <param name="existsError">Builds the error for a non-empty output without overwrite.</param>
    public static void MoveIntoPlace(
        string staging, string output, bool overwrite, string jobId, Func<OutputExistsException> existsError)
    {
        if (File.Exists(output))
        {
            throw new OutputExistsException(
                $"Output path '{output}' became a file while the job ran; the job's output was not moved there.", output);
        }

        if (Directory.Exists(output))
        {
            if (!Directory.EnumerateFileSystemEntries(output).Any())
            {
                DeleteEmpty(output, existsError);
            }
            else if (!overwrite)
            {
                throw existsError();
            }
            else
            {
                ReplaceNonEmpty(staging, output, jobId);
                return;
            }
        }

        Directory.Move(staging, output);
    }

    private static void DeleteEmpty(string output, Func<OutputExistsException> existsError)
    {
        try
        {
            // Not recursive: if something was written into it meanwhile, this fails instead of deleting it.
            Directory.Delete(output);
        }
        catch (IOException e) when (e is not DirectoryNotFoundException)
        {
            throw existsError();
        }
    }

    private static void ReplaceNonEmpty(string staging, string output, string jobId)
    {
        // Move the old output aside instead of deleting it first: if the second rename fails, the old output is
        // put back, so a failed commit never leaves the user with neither the old nor the new output.
        string aside = Path.Combine(
            Path.GetDirectoryName(output)!, $".{Path.GetFileName(output)}.dataflow-{jobId}.old");
        OutputCommitter.DeleteDirectory(aside);
        Directory.Move(output, aside);
        try
        {
            Directory.Move(staging, output);
        }
        catch
        {
            Directory.Move(aside, output);
            throw;
        }

        OutputCommitter.DeleteDirectory(aside);
    }
}

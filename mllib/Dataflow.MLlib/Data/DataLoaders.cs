using System.Globalization;
using System.Runtime.CompilerServices;
using Dataflow.MLlib.Linalg;

namespace Dataflow.MLlib.Data;

/// <summary>
/// Loads labelled data from text files into an <see cref="Rdd{T}"/> of <see cref="LabeledPoint"/>. Loading is
/// distributed: the tasks read and parse their own splits of the files (a file, a directory of files or a glob, as
/// <see cref="DataflowContext.TextFile"/> takes), so a data set larger than the driver's or an executor's memory
/// loads; the driver only ever sees the header rows or one number per partition. A malformed line fails the job with
/// a <see cref="BadInputException"/> whose message starts <c>file:line:</c> and says what to fix.
/// </summary>
/// <remarks>
/// Each returned RDD parses its files when computed: persist it (or the blocks packed from it) when it is read
/// more than once. Numbers use the invariant culture and may have exponents (<c>1e-3</c>); NaN and infinities are
/// errors.
/// </remarks>
public static class DataLoaders
{
    /// <summary>
    /// Loads CSV files whose first line is a header naming the columns: every other non-blank line is one point whose
    /// label is the <paramref name="labelColumn"/> (by default the last column) and whose features, dense, are the other
    /// columns in order. Several files (a directory, a glob) must have the same header; each file's own header row is
    /// skipped. Runs one small job that reads the header row of each file.
    /// </summary>
    /// <example><code>
    /// var iris = await ctx.LoadCsvAsync("data/iris.csv", labelColumn: "label", cancellationToken: ct);
    /// </code></example>
    /// <param name="context">The context.</param>
    /// <param name="path">A file, directory or glob.</param>
    /// <param name="labelColumn">The label's column, by name or 0-based index; default the last; <see cref="LabelColumn.None"/>
    /// for data without labels (every column a feature, labels 0).</param>
    /// <param name="numFeatures">The feature count the data must have (for test data: the model's), or null.</param>
    /// <param name="minPartitions">The least number of partitions, as for <see cref="DataflowContext.TextFile"/>.</param>
    /// <param name="cancellationToken">Cancels the header job.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    /// <returns>The points, one per data row, in file and line order.</returns>
    /// <exception cref="BadInputException">A header that is empty, lacks the label column, differs between files or
    /// has the wrong feature count (at <c>file:1</c>); later, when the RDD is computed, a row with a wrong field count
    /// or a non-numeric field (at its <c>file:line</c>, inside the <see cref="JobFailedException"/>).</exception>
    /// <remarks>Spark: spark.read.option("header", true).csv with a VectorAssembler</remarks>
    public static async Task<Rdd<LabeledPoint>> LoadCsvAsync(this DataflowContext context, string path, LabelColumn labelColumn = default,
        int? numFeatures = null, int? minPartitions = null, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (numFeatures is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numFeatures), numFeatures, "The feature count must be ≥ 0.");
        }

        var lines = context.TextFileWithLineNumbers(path, minPartitions, callerFile, callerLine);
        // A split's lines are read lazily, so taking its first line reads little more than that line.
        var headers = await lines
            .SelectPartitions(static rows => rows.Take(1).Where(r => r.Line == 1), false, callerFile, callerLine)
            .ToListAsync(cancellationToken, callerFile, callerLine);
        if (headers.Count == 0)
        {
            return lines.SelectPartitions(static rows => Enumerable.Empty<LabeledPoint>(), false, callerFile, callerLine);
        }

        var (header, labelIndex) = ResolveHeader(headers.OrderBy(h => h.File, StringComparer.Ordinal).ToList(), labelColumn, numFeatures);
        return lines.SelectPartitions(rows => CsvParser.ParseRows(rows, header, labelIndex), false, callerFile, callerLine);
    }

    /// <summary>
    /// Loads LIBSVM files: each line <c>label index:value index:value ...</c> with 1-based, strictly ascending indices
    /// becomes a point with a sparse feature vector (0-based indices). Fields are separated by runs of spaces or tabs;
    /// <c>#</c> starts a comment; blank and comment lines are skipped. The feature count is
    /// <paramref name="numFeatures"/> when given (an index beyond it is an error: the data has more features than the
    /// model), else the largest index in the data, found by a first job that parses every line (and so reports any
    /// malformed line at once).
    /// </summary>
    /// <example><code>
    /// var train = await ctx.LoadLibSvmAsync("a9a.txt", cancellationToken: ct);
    /// var test = await ctx.LoadLibSvmAsync("a9a.t", numFeatures: 123, cancellationToken: ct); // the model's count
    /// </code></example>
    /// <param name="context">The context.</param>
    /// <param name="path">A file, directory or glob.</param>
    /// <param name="numFeatures">The feature count (for test data: the model's), or null for the largest index seen.</param>
    /// <param name="minPartitions">The least number of partitions, as for <see cref="DataflowContext.TextFile"/>.</param>
    /// <param name="cancellationToken">Cancels the counting job.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    /// <returns>The points, one per data line, in file and line order.</returns>
    /// <exception cref="JobFailedException">With a <see cref="BadInputException"/> at <c>file:line</c> for a malformed
    /// line (thrown by the counting job, or when the RDD is computed if <paramref name="numFeatures"/> was given).</exception>
    /// <remarks>Spark: MLUtils.loadLibSVMFile</remarks>
    public static async Task<Rdd<LabeledPoint>> LoadLibSvmAsync(this DataflowContext context, string path, int? numFeatures = null,
        int? minPartitions = null, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (numFeatures is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numFeatures), numFeatures, "The feature count must be ≥ 0.");
        }

        var lines = context.TextFileWithLineNumbers(path, minPartitions, callerFile, callerLine);
        var count = numFeatures ?? (await lines
            .SelectPartitions(static rows => new[] { LibSvmParser.MaxIndex(rows) }, false, callerFile, callerLine)
            .ToListAsync(cancellationToken, callerFile, callerLine)).DefaultIfEmpty(0).Max();
        return lines.SelectPartitions(rows => LibSvmParser.ParseRows(rows, count), false, callerFile, callerLine);
    }

    /// <summary>
    /// Loads text files of lines <c>label&lt;TAB&gt;document</c>: each non-blank line becomes a point whose sparse
    /// features are the document's words (maximal runs of letters, lower-cased, as WordCount splits them) hashed with
    /// the engine's stable hash modulo <paramref name="numFeatures"/>, with value 1 for each word present. No job runs
    /// here; a line without a tab or with a non-numeric label fails the job that computes it, at its <c>file:line</c>.
    /// </summary>
    /// <example><code>
    /// var docs = await ctx.LoadTextAsync("austen-vs-jargon.tsv", numFeatures: 1 &lt;&lt; 20, cancellationToken: ct);
    /// </code></example>
    /// <param name="context">The context.</param>
    /// <param name="path">A file, directory or glob.</param>
    /// <param name="numFeatures">The hashed feature count D; default 2^20.</param>
    /// <param name="minPartitions">The least number of partitions, as for <see cref="DataflowContext.TextFile"/>.</param>
    /// <param name="cancellationToken">Unused (nothing runs); kept for the loaders' shape.</param>
    /// <param name="callerFile">Filled in by the compiler.</param>
    /// <param name="callerLine">Filled in by the compiler.</param>
    /// <returns>The points, one per non-blank line, in file and line order.</returns>
    /// <remarks>Spark: HashingTF with binary = true over a RegexTokenizer</remarks>
    public static Task<Rdd<LabeledPoint>> LoadTextAsync(this DataflowContext context, string path, int numFeatures = TextDocuments.DefaultFeatures,
        int? minPartitions = null, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(numFeatures, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var lines = context.TextFileWithLineNumbers(path, minPartitions, callerFile, callerLine);
        return Task.FromResult(lines.SelectPartitions(rows => TextDocuments.ParseRows(rows, numFeatures), false, callerFile, callerLine));
    }

    /// <summary>The header every file shares and the label's index in it; the first file (by path) is the reference.</summary>
    private static (string[] Header, int LabelIndex) ResolveHeader(List<(string File, long Line, string Text)> headers, LabelColumn labelColumn, int? numFeatures)
    {
        var (file, _, text) = headers[0];
        var header = CsvParser.SplitHeader(text);
        if (header.Length < (labelColumn.IsNone ? 1 : 2) || header.Any(string.IsNullOrEmpty))
        {
            throw new BadInputException(file, 1,
                $"the header {NumberField.Quote(text)} does not name a label and at least one feature column; a CSV file starts with a row of column names, e.g. 'x1,x2,label'");
        }

        foreach (var other in headers.Skip(1))
        {
            var names = CsvParser.SplitHeader(other.Text);
            if (!names.SequenceEqual(header, StringComparer.Ordinal))
            {
                throw new BadInputException(other.File, 1,
                    $"the header ({string.Join(", ", names)}) differs from that of {file} ({string.Join(", ", header)}); the files of one data set need the same columns in the same order");
            }
        }

        var labelIndex = labelColumn.Resolve(header, file);
        var featureCount = labelIndex < 0 ? header.Length : header.Length - 1;
        if (numFeatures is { } expected && featureCount != expected)
        {
            throw new BadInputException(file, 1,
                $"the header has {featureCount.ToString(CultureInfo.InvariantCulture)} feature columns besides the label, but {expected.ToString(CultureInfo.InvariantCulture)} were expected (the model's feature count)");
        }

        return (header, labelIndex);
    }
}

using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace Dataflow.Tests.Serialization.Closures;

/// <summary>A connection that connects nowhere, named as the one in the error-message example.</summary>
internal sealed class SqlConnection : DbConnection
{
    [AllowNull]
    public override string ConnectionString { get; set; } = "";

    public override string Database => "db";

    public override string DataSource => "here";

    public override string ServerVersion => "1";

    public override ConnectionState State => ConnectionState.Closed;

    public override void ChangeDatabase(string databaseName)
    {
    }

    public override void Close()
    {
    }

    public override void Open()
    {
    }

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => throw new NotSupportedException();

    protected override DbCommand CreateDbCommand() => throw new NotSupportedException();
}

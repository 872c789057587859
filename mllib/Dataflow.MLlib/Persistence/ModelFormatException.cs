namespace Dataflow.MLlib.Persistence;

/// <summary>A saved model that cannot be loaded: another model type, a newer format, or damaged files.</summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelFormatException()
    {
    }

    /// <summary>Creates the exception with a message naming the directory and what is wrong.</summary>
    public ModelFormatException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ModelFormatException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

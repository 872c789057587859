using System.Runtime.CompilerServices;
using Dataflow.Serialization.Closures;
using MessagePack;
using MessagePack.Formatters;

namespace Dataflow.Serialization.Records;

/// <summary>
/// Copies an object of the job's or the engine's own types field by field (<see cref="FieldwiseLayout"/>): a closure
/// class, a captured <c>this</c> with private fields, a user record. Reading creates the object without running a
/// constructor, as the captured object was already constructed on the driver. Written as an array of the field values,
/// each through the formatter of the field's declared type (so an <c>object</c> or interface field records its runtime
/// type). A failing field is named in the error (<see cref="ClosureMemberException"/>).
/// </summary>
internal sealed class FieldwiseFormatter<T> : IMessagePackFormatter<T>
{
    private static readonly FieldwiseLayout s_layout = FieldwiseLayout.For(typeof(T));

    public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        object boxed = value;
        var fields = s_layout.Fields;
        writer.WriteArrayHeader(fields.Length);
        for (var i = 0; i < fields.Length; i++)
        {
            var fieldValue = fields[i].GetValue(boxed);
            try
            {
                s_layout.Codecs[i].Write(ref writer, fieldValue, options.Resolver, options);
            }
            catch (Exception e)
            {
                throw ClosureMemberException.At(e, s_layout.Names[i], fieldValue?.GetType() ?? fields[i].FieldType);
            }
        }
    }

    public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return default!;
        }

        var fields = s_layout.Fields;
        var count = reader.ReadArrayHeader();
        if (count != fields.Length)
        {
            throw new MessagePackSerializationException(
                $"{typeof(T).FullName} has {fields.Length} fields but the payload has {count}: the driver and this worker have different builds of its assembly.");
        }

        options.Security.DepthStep(ref reader);
        try
        {
            var boxed = RuntimeHelpers.GetUninitializedObject(typeof(T));
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i].SetValue(boxed, s_layout.Codecs[i].Read(ref reader, options.Resolver, options));
            }

            return (T)boxed;
        }
        finally
        {
            reader.Depth--;
        }
    }
}

using System.ComponentModel;
using System.Globalization;

namespace Dataflow.Configuration;

/// <summary>
/// Lets <c>ConfigurationBinder</c> and other <see cref="TypeDescriptor"/> users read <see cref="ByteSize"/> from
/// strings such as <c>512m</c>.
/// </summary>
public sealed class ByteSizeConverter : TypeConverter
{
    /// <inheritdoc />
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    /// <inheritdoc />
    public override bool CanConvertTo(ITypeDescriptorContext? context, Type? destinationType) =>
        destinationType == typeof(string) || base.CanConvertTo(context, destinationType);

    /// <inheritdoc />
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text ? ByteSize.Parse(text) : base.ConvertFrom(context, culture, value);

    /// <inheritdoc />
    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value,
        Type destinationType) =>
        destinationType == typeof(string) && value is ByteSize size
            ? size.ToString()
            : base.ConvertTo(context, culture, value, destinationType);
}

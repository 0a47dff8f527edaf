using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace DaClip.MLNet.Pipeline;

/// <summary>
/// Marks an <see cref="MLImage"/> member as an image of unknown size (what <c>LoadImages</c> produces). ML.NET's own
/// <see cref="ImageTypeAttribute"/> cannot describe that type, so custom mappings could not take images without it.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
internal sealed class UnsizedImageTypeAttribute : DataViewTypeAttribute
{
    /// <inheritdoc />
    public override bool Equals(DataViewTypeAttribute other) => other is UnsizedImageTypeAttribute;

    /// <inheritdoc />
    public override int GetHashCode() => typeof(UnsizedImageTypeAttribute).GetHashCode();

    /// <inheritdoc />
    public override void Register() => DataViewTypeManager.Register(new ImageDataViewType(), typeof(MLImage), this);
}

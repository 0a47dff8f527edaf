using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace DaClip.MLNet.Pipeline;

/// <summary>Checks input columns against what DA-CLIP accepts and raises <see cref="DaClipSchemaException"/>s that say how to fix the pipeline.</summary>
internal static class DaClipColumns
{
    public const string ImageTypes = "String (a file path), Vector<Byte> (encoded image bytes, from LoadRawImageBytes) or Image (from LoadImages, not resized)";

    /// <summary>The column type of an image kind, in words.</summary>
    public static string Describe(DaClipImageKind kind) => kind switch
    {
        DaClipImageKind.Path => "String (a file path)",
        DaClipImageKind.EncodedBytes => "Vector<Byte> (encoded image bytes)",
        _ => "Image (not resized)",
    };

    /// <summary>The kind of images column <paramref name="name"/> holds.</summary>
    public static DaClipImageKind ImageKind(DataViewSchema schema, string name)
    {
        var column = schema.GetColumnOrNull(name) ?? throw Missing(schema, "image", name, ImageTypes);
        return ImageKind(name, column.Type);
    }

    /// <summary>The kind of images column <paramref name="name"/> holds, from a schema shape.</summary>
    public static DaClipImageKind ImageKind(SchemaShape shape, string name)
    {
        var column = Find(shape, name)
            ?? throw new DaClipSchemaException("image", name, ImageTypes, null, $"Name the image column with ImageColumnName; the data has [{string.Join(", ", shape.Select(c => c.Name))}].");
        return column.Kind switch
        {
            SchemaShape.Column.VectorKind.Scalar when column.ItemType is TextDataViewType => DaClipImageKind.Path,
            SchemaShape.Column.VectorKind.Scalar when column.ItemType is ImageDataViewType => ImageKind(name, column.ItemType),
            not SchemaShape.Column.VectorKind.Scalar when column.ItemType == NumberDataViewType.Byte => DaClipImageKind.EncodedBytes,
            _ => throw WrongImageType(name, Describe(column)),
        };
    }

    /// <summary>The last column named <paramref name="name"/> in a schema shape (the visible one), or null.</summary>
    public static SchemaShape.Column? Find(SchemaShape shape, string name)
    {
        SchemaShape.Column? found = null;
        foreach (var column in shape)
            if (column.Name == name) found = column;
        return found;
    }

    /// <summary>A schema-shape column's type, in ML.NET's notation.</summary>
    public static string Describe(SchemaShape.Column column) => column.Kind switch
    {
        SchemaShape.Column.VectorKind.Scalar => column.ItemType.ToString(),
        SchemaShape.Column.VectorKind.Vector => $"Vector<{column.ItemType}>",
        _ => $"VarVector<{column.ItemType}>",
    } + (column.IsKey ? " (key)" : "");

    private static DaClipImageKind ImageKind(string name, DataViewType type) => type switch
    {
        TextDataViewType => DaClipImageKind.Path,
        VectorDataViewType { ItemType: var item } when item == NumberDataViewType.Byte => DaClipImageKind.EncodedBytes,
        ImageDataViewType { Height: 0, Width: 0 } => DaClipImageKind.Image,
        ImageDataViewType image => throw new DaClipSchemaException("image", name, ImageTypes, image.ToString(),
            "Pass the output of LoadImages without ResizeImages: DA-CLIP resizes with its own antialiased bicubic filter (ResizeImages is nearest-neighbour), the same as in training."),
        _ => throw WrongImageType(name, type.ToString() ?? type.GetType().Name),
    };

    private static DaClipSchemaException WrongImageType(string name, string actual) =>
        new("image", name, ImageTypes, actual, "Load paths as text, or use LoadImages / LoadRawImageBytes on a path column.");

    /// <summary>The error for a missing column, listing the columns that exist.</summary>
    public static DaClipSchemaException Missing(DataViewSchema schema, string role, string name, string expected) =>
        new(role, name, expected, null, $"The data has [{string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}].");

    /// <summary>Fails when the input has a column the chain would overwrite and drop.</summary>
    public static void CheckNoInternalColumns(IEnumerable<string> names)
    {
        foreach (var name in names)
            if (DaClipChainLayout.InternalColumns.Contains(name, StringComparer.Ordinal))
                throw new DaClipSchemaException("input", name, "no column of this name", "a column of the input",
                    $"DA-CLIP uses '{name}' internally and drops it after scoring; rename the input column (e.g. with CopyColumns and DropColumns).");
    }
}

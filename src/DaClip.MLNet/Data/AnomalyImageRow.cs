namespace DaClip.MLNet.Data;

/// <summary>
/// The row type of the <see cref="Microsoft.ML.IDataView"/> made by <see cref="AnomalyDataset.ToDataView"/>:
/// columns <c>ImagePath</c> (text), <c>Class</c> (text), <c>Label</c> (Boolean, true = anomalous),
/// <c>MaskPath</c> (text, empty when the image has no mask) and <c>DefectType</c> (text).
/// </summary>
public sealed class AnomalyImageRow
{
    /// <summary>Absolute path of the image file.</summary>
    public string ImagePath { get; set; } = "";

    /// <summary>Object or texture class.</summary>
    public string Class { get; set; } = "";

    /// <summary><see langword="true"/> when the image is anomalous.</summary>
    public bool Label { get; set; }

    /// <summary>Absolute path of the ground-truth mask; empty when there is none.</summary>
    public string MaskPath { get; set; } = "";

    /// <summary>The dataset's name for the image's group (defect folder, normal folder or index label).</summary>
    public string DefectType { get; set; } = "";
}

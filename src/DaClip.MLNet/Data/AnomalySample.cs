namespace DaClip.MLNet.Data;

/// <summary>One image of an anomaly-detection dataset.</summary>
/// <param name="ImagePath">Absolute path of the image file.</param>
/// <param name="Class">Object or texture class (e.g. <c>bottle</c>, <c>01</c>, <c>brain</c>).</param>
/// <param name="Label"><see langword="true"/> when the image is anomalous.</param>
/// <param name="MaskPath">Absolute path of the ground-truth mask (any non-zero pixel is anomalous), or <see langword="null"/> when there is none (normal images, classification-only datasets).</param>
/// <param name="DefectType">The dataset's own name for the image's group: the defect folder (<c>crack</c>, <c>ko</c>, <c>yes</c>), the normal folder (<c>good</c>, <c>ok</c>, <c>no</c>), or the label of an index file.</param>
/// <param name="Split">The split the image belongs to.</param>
public sealed record AnomalySample(string ImagePath, string Class, bool Label, string? MaskPath, string DefectType, DatasetSplit Split);

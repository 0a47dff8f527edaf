namespace DaClip.MLNet.Training.Synthetic;

/// <summary>The MVTec-AD split an image belongs to.</summary>
public enum SyntheticSubset
{
    /// <summary>Defect-free training images (<c>&lt;class&gt;/train/good</c>).</summary>
    Train,

    /// <summary>Test images, defect-free and defective (<c>&lt;class&gt;/test/&lt;defect or good&gt;</c>).</summary>
    Test,
}

namespace DaClip.MLNet.Data;

/// <summary>Which part of a dataset to read.</summary>
public enum DatasetSplit
{
    /// <summary>The evaluation images (normal and anomalous). Every dataset has it.</summary>
    Test,

    /// <summary>The training images (normal only in every supported dataset). Only MVTec-style datasets, VisA and meta.json indexes have it.</summary>
    Train,
}

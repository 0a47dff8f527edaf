namespace DaClip.MLNet.Data;

/// <summary>The dataset layouts <see cref="AnomalyDatasets.Read(DatasetKind, string, DatasetReadOptions?)"/> understands (docs/datasets.md describes each).</summary>
public enum DatasetKind
{
    /// <summary>MVTec AD: <c>&lt;class&gt;/{train,test}/&lt;good|defect&gt;/*.png</c>, masks <c>&lt;class&gt;/ground_truth/&lt;defect&gt;/&lt;stem&gt;_mask.png</c>.</summary>
    MvtecAd,

    /// <summary>VisA: <c>split_csv/1cls.csv</c> (object, split, label, image, mask) beside the class folders.</summary>
    Visa,

    /// <summary>MPDD: the MVTec AD layout.</summary>
    Mpdd,

    /// <summary>BTAD (BTech_Dataset_transformed): classes 01, 02, 03 with <c>ok</c>/<c>ko</c> folders; .bmp and .png files.</summary>
    Btad,

    /// <summary>DTD-Synthetic: the MVTec AD layout with <c>good</c> and <c>bad</c> folders.</summary>
    DtdSynthetic,

    /// <summary>Brain MRI (Kaggle "Brain MRI Images for Brain Tumor Detection"): <c>no/</c> and <c>yes/</c>; no masks.</summary>
    BrainMri,

    /// <summary>Head CT (Kaggle "Head CT - hemorrhage"): <c>labels.csv</c> + <c>head_ct/</c>, or a <c>test/&lt;good|defect&gt;</c> layout; no masks.</summary>
    HeadCt,

    /// <summary>Br35H: <c>no/</c> and <c>yes/</c> (the unlabelled <c>pred/</c> folder is ignored); no masks.</summary>
    Br35h,

    /// <summary>CVC-ClinicDB: <c>images/</c> + <c>masks/</c> (or the original <c>Original/</c> + <c>Ground Truth/</c>); every image is anomalous.</summary>
    ClinicDb,

    /// <summary>ISIC skin lesions (2016 Part 1 test, or 2018 Task 1 test): <c>ISIC_*.jpg</c> + <c>ISIC_*_Segmentation.png</c>; every image is anomalous.</summary>
    Isic,

    /// <summary>AnomalyCLIP's <c>meta.json</c> index (<c>{"train": {...}, "test": {class: [{img_path, mask_path, cls_name, specie_name, anomaly}]}}</c>).</summary>
    MetaJson,

    /// <summary>A generic folder: <c>good/</c> plus one folder per defect type, optional masks in <c>ground_truth/&lt;defect&gt;/</c> or <c>masks/&lt;defect&gt;/</c>.</summary>
    Folder,
}

namespace DaClip.MLNet;

/// <summary>
/// The default values that the options classes, the catalog overloads and the <c>daclip</c> tool share (ML.NET's
/// <c>Defaults</c> pattern): column names, the paper's network settings (METHOD §1–§5) and its training settings
/// (METHOD §6). Each option's own default refers here, so a default has one home.
/// </summary>
public static class DaClipDefaults
{
    /// <summary>The image column ("Image").</summary>
    public const string ImageColumnName = "Image";

    /// <summary>The label column ("Label": <c>Boolean</c>, or <c>Single</c> 1 / 0).</summary>
    public const string LabelColumnName = "Label";

    /// <summary>The ground-truth mask column of the evaluator ("Mask").</summary>
    public const string MaskColumnName = "Mask";

    /// <summary>The image anomaly score column ("Score").</summary>
    public const string ScoreColumnName = "Score";

    /// <summary>The predicted label column ("PredictedLabel").</summary>
    public const string PredictedLabelColumnName = "PredictedLabel";

    /// <summary>The score-minus-threshold column ("ScoreCentered").</summary>
    public const string ScoreCenteredColumnName = "ScoreCentered";

    /// <summary>The pixel anomaly map column ("AnomalyMap").</summary>
    public const string AnomalyMapColumnName = "AnomalyMap";

    /// <summary>Input side S in pixels (518: a 37 x 37 grid on ViT-L/14@336, as in the paper).</summary>
    public const int ImageSize = 518;

    /// <summary>Weight α of the local maps in the fused map (0.7).</summary>
    public const double Alpha = 0.7;

    /// <summary>Weight β of the global probability in the image score (0.5).</summary>
    public const double Beta = 0.5;

    /// <summary>k of the top-k patch mean in the image score (80).</summary>
    public const int TopK = 80;

    /// <summary>σ of the Gaussian smoothing of the pixel map (4).</summary>
    public const double Sigma = 4.0;

    /// <summary>Softmax temperature τ (0.07).</summary>
    public const double Tau = 0.07;

    /// <summary>Weight λ of the map losses (4).</summary>
    public const double Lambda = 4.0;

    /// <summary>The threshold an export starts from when none is given (0.5); the exported model then holds it.</summary>
    public const double Threshold = 0.5;

    /// <summary>Learnable slot tokens per prompt (10).</summary>
    public const int Slots = 10;

    /// <summary>Training epochs (15).</summary>
    public const int Epochs = 15;

    /// <summary>Training batch size (8).</summary>
    public const int BatchSize = 8;

    /// <summary>Adam learning rate (1e-3).</summary>
    public const double LearningRate = 1e-3;

    /// <summary>Adam β1 (0.5).</summary>
    public const double AdamBeta1 = 0.5;

    /// <summary>Adam β2 (0.999).</summary>
    public const double AdamBeta2 = 0.999;
}

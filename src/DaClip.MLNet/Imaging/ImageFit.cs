namespace DaClip.MLNet.Imaging;

/// <summary>How an image of any aspect ratio is brought to the square S x S model input.</summary>
public enum ImageFit
{
    /// <summary>Scale each axis independently to S (aspect ratio not kept). The DA-CLIP default, as in training.</summary>
    Stretch,

    /// <summary>Scale the longer side to S, keep the aspect ratio, centre, and fill the rest with black (0).</summary>
    Pad,

    /// <summary>Scale the shorter side to S, keep the aspect ratio, and cut the centred S x S square.</summary>
    Crop,
}

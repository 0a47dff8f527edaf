using Microsoft.ML.Data;

namespace DaClip.MLNet.Imaging;

/// <summary>
/// Turns an image into the DA-CLIP model input: RGB, resized to <see cref="ImageSize"/> x <see cref="ImageSize"/>
/// with <see cref="ImageFit"/> (bicubic, antialiased when shrinking), float32 planes in CHW order with values in
/// [0, 1]. CLIP's mean / std normalisation is part of the ONNX graph, not of this step. Training, the ML.NET
/// transformer and the batch scorer all go through this class, so they see identical pixels. Thread-safe.
/// </summary>
public sealed class ImagePreprocessor
{
    /// <summary>Creates a preprocessor for square inputs of <paramref name="imageSize"/> pixels.</summary>
    public ImagePreprocessor(int imageSize, ImageFit fit = ImageFit.Stretch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageSize);
        if (!Enum.IsDefined(fit)) throw new ArgumentOutOfRangeException(nameof(fit), fit, "Unknown ImageFit.");
        ImageSize = imageSize;
        Fit = fit;
    }

    /// <summary>Side S of the square output.</summary>
    public int ImageSize { get; }

    /// <summary>How other aspect ratios are brought to the square.</summary>
    public ImageFit Fit { get; }

    /// <summary>Number of floats per image: 3 * S * S.</summary>
    public int TensorLength => 3 * ImageSize * ImageSize;

    /// <summary>Decodes and preprocesses the file at <paramref name="path"/>.</summary>
    /// <exception cref="ImageInputException">The file cannot be decoded.</exception>
    public float[] Process(string path) => Process(ImageDecoder.Decode(path));

    /// <summary>Decodes and preprocesses encoded image bytes; <paramref name="source"/> names them in errors.</summary>
    /// <exception cref="ImageInputException">The bytes cannot be decoded.</exception>
    public float[] Process(ReadOnlySpan<byte> encoded, string source = "<image bytes>") => Process(ImageDecoder.Decode(encoded, source));

    /// <summary>Preprocesses an ML.NET image (see <see cref="ImageDecoder.FromMLImage"/> for the pixel handling).</summary>
    public float[] Process(MLImage image) => Process(ImageDecoder.FromMLImage(image));

    /// <summary>Preprocesses a decoded image.</summary>
    public float[] Process(RgbImage image)
    {
        var result = new float[TensorLength];
        ProcessInto(image, result);
        return result;
    }

    /// <summary>Preprocesses a decoded image into <paramref name="destination"/> (length 3 * S * S, e.g. one image's slot of a batch tensor).</summary>
    public void ProcessInto(RgbImage image, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (destination.Length != TensorLength)
            throw new ArgumentException($"The destination holds {destination.Length} floats; one {ImageSize} x {ImageSize} RGB image needs {TensorLength}.", nameof(destination));
        var (fx, fy) = FitAxis.For(image.Width, image.Height, ImageSize, Fit);
        BicubicResampler.Resample(image, fx, fy, ImageSize, destination);
    }
}

using System.Globalization;
using DaClip.MLNet.Training;

namespace DaClip.Cli.Common;

/// <summary>
/// Shows training progress on standard error: a bar for the feature pass and one for the optimisation steps (epoch,
/// loss, ETA) on a console, one line per finished phase and epoch when standard error is redirected, nothing with
/// <c>--json</c>. Also keeps each epoch's mean batch loss (the trainer's own epoch loss).
/// </summary>
internal sealed class TrainingProgressView(TextWriter error, bool json) : IProgress<DaClipTrainingProgress>
{
    private readonly bool _bars = ConsoleProgressBar.Wanted(json);
    private ConsoleProgressBar? _bar;
    private string _phase = "";
    private double _lossSum;
    private int _lossSteps;

    /// <summary>Mean batch loss of the last finished epoch (NaN before the first).</summary>
    public double LastEpochLoss { get; private set; } = double.NaN;

    /// <inheritdoc />
    public void Report(DaClipTrainingProgress p)
    {
        if (p.Phase != _phase)
        {
            _bar?.Finish();
            _phase = p.Phase;
            _bar = _bars ? new ConsoleProgressBar(p.Phase == "features" ? "encoding images" : "training", error) : null;
        }
        if (p.Phase == "features")
        {
            _bar?.Update(p.Step, p.StepsPerEpoch, string.Create(CultureInfo.InvariantCulture, $"{p.ImagesPerSecond:F1} img/s"));
            if (p.Step == p.StepsPerEpoch && !_bars && !json) error.WriteLine($"encoded {p.StepsPerEpoch} images with the frozen backbone");
            return;
        }
        _lossSum += p.Loss;
        _lossSteps++;
        _bar?.Update((long)(p.Epoch - 1) * p.StepsPerEpoch + p.Step, (long)p.Epochs * p.StepsPerEpoch,
            string.Create(CultureInfo.InvariantCulture, $"epoch {p.Epoch}/{p.Epochs}  loss {p.Loss:F4}  ETA {p.Eta:hh\\:mm\\:ss}"));
        if (p.Step != p.StepsPerEpoch) return;
        LastEpochLoss = _lossSum / _lossSteps;
        _lossSum = 0;
        _lossSteps = 0;
        if (!_bars && !json) error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {p.Epoch}/{p.Epochs}: mean loss {LastEpochLoss:F4}"));
        if (p.Epoch == p.Epochs && !json)
        {
            Finish();
            error.WriteLine("Exporting the trained network to ONNX and saving the model ...");
        }
    }

    /// <summary>Ends the bar's line.</summary>
    public void Finish()
    {
        _bar?.Finish();
        _bar = null;
    }
}

using System.Diagnostics;
using System.Globalization;

namespace DaClip.Cli;

/// <summary>A one-line progress bar (<c>label [#####-----]  45%  412.3 / 915.0 MB</c>) redrawn in place on a console writer, at most ten times a second.</summary>
internal sealed class ConsoleProgressBar : IProgress<(long done, long? total)>
{
    private const int BarWidth = 30;
    private static readonly long Interval = Stopwatch.Frequency / 10;
    private readonly TextWriter _writer;
    private readonly string _label;
    private long _lastDraw;
    private int _lastLength;

    /// <summary>Creates the bar for <paramref name="label"/>, drawn on <paramref name="writer"/> (standard error).</summary>
    public ConsoleProgressBar(string label, TextWriter writer)
    {
        _label = label;
        _writer = writer;
    }

    /// <summary>Whether a bar should be drawn: not for machine-readable output, and not when standard error is redirected.</summary>
    public static bool Wanted(bool json) => !json && !Console.IsErrorRedirected;

    /// <inheritdoc/>
    public void Report((long done, long? total) value)
    {
        long now = Stopwatch.GetTimestamp();
        bool complete = value.total is long t && value.done >= t;
        if (!complete && _lastLength > 0 && now - _lastDraw < Interval) return;
        _lastDraw = now;

        string line;
        if (value.total is long total && total > 0)
        {
            double fraction = Math.Clamp((double)value.done / total, 0, 1);
            int filled = (int)Math.Round(fraction * BarWidth);
            line = string.Create(CultureInfo.InvariantCulture,
                $"{_label} [{new string('#', filled)}{new string('-', BarWidth - filled)}] {fraction * 100,3:0}%  {Megabytes(value.done)} / {Megabytes(total)} MB");
        }
        else
        {
            line = string.Create(CultureInfo.InvariantCulture, $"{_label} {Megabytes(value.done)} MB");
        }
        _writer.Write('\r' + line.PadRight(_lastLength));
        _lastLength = line.Length;
        _writer.Flush();
    }

    /// <summary>Ends the line the bar was drawn on (no-op when nothing was drawn).</summary>
    public void Finish()
    {
        if (_lastLength == 0) return;
        _writer.WriteLine();
        _lastLength = 0;
    }

    private static string Megabytes(long bytes) => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture);
}

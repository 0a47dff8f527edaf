using System.Text;
using System.Text.Json;
using DaClip.MLNet.Metrics;

namespace DaClip.MLNet.Reporting;

/// <summary>
/// report.json: <c>format</c> ("daclip-anomaly-report"), <c>version</c> (1), the run, the evaluation (mode, FPR limit,
/// the PRO convention of the HTML table, the mean and per-class metrics with counts, thresholds, chart files and the
/// shown images). Metric names follow <see cref="SegmentationMetrics"/> in camel case; NaN is written as null.
/// </summary>
internal static class ReportJson
{
    public static string Write(ReportModel model)
    {
        var input = model.Input;
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", ReportFolder.FormatName);
            json.WriteNumber("version", 1);
            json.WriteString("title", input.Title);
            WriteOptional(json, "model", input.Model);
            WriteOptional(json, "backbone", input.Backbone);
            if (input.CreatedAt is { } created) json.WriteString("createdAt", created);
            json.WriteStartArray("runInfo");
            foreach (var (key, value) in input.RunInfo)
            {
                json.WriteStartObject();
                json.WriteString("name", key);
                json.WriteString("value", value);
                json.WriteEndObject();
            }
            json.WriteEndArray();

            json.WriteString("evaluationMode", input.Evaluation.Mode.ToString());
            json.WriteNumber("fprLimit", input.Evaluation.FprLimit);
            json.WriteString("tableProConvention", input.ProConvention.ToString());
            json.WriteString("colorScale", model.ColorBar);
            json.WriteStartObject("mean");
            WriteMetrics(json, input.Evaluation.Mean);
            json.WriteEndObject();
            if (model.OverviewCurves is { } overview) WriteCurveFiles(json, "curves", overview);

            json.WriteStartArray("classes");
            foreach (var c in model.Classes)
            {
                var m = c.Metrics;
                json.WriteStartObject();
                json.WriteString("name", m.ClassName);
                json.WriteString("anchor", c.Anchor);
                json.WriteNumber("imageCount", m.ImageCount);
                json.WriteNumber("anomalousImageCount", m.AnomalousImageCount);
                json.WriteNumber("normalPixelCount", m.NormalPixelCount);
                json.WriteNumber("anomalousPixelCount", m.AnomalousPixelCount);
                json.WriteNumber("regionCount", m.RegionCount);
                json.WriteStartObject("metrics");
                WriteMetrics(json, m.Metrics);
                json.WriteEndObject();
                WriteNumber(json, "imageThreshold", c.ImageThreshold);
                json.WriteString("imageThresholdSource", c.ImageThresholdSource);
                if (c.PixelThreshold is { } pixel) WriteNumber(json, "pixelThreshold", pixel);
                else json.WriteNull("pixelThreshold");
                json.WriteString("pixelThresholdSource", c.PixelThresholdSource);
                if (c.Curves is { } files) WriteCurveFiles(json, "curves", files);
                WriteCases(json, "worstFalsePositives", c.FalsePositives);
                WriteCases(json, "worstFalseNegatives", c.FalseNegatives);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteMetrics(Utf8JsonWriter json, SegmentationMetrics m)
    {
        WriteNumber(json, "imageAuroc", m.ImageAuroc);
        WriteNumber(json, "imageAveragePrecision", m.ImageAveragePrecision);
        WriteNumber(json, "imageF1Max", m.ImageF1Max);
        WriteNumber(json, "pixelAuroc", m.PixelAuroc);
        WriteNumber(json, "pixelAveragePrecision", m.PixelAveragePrecision);
        WriteNumber(json, "pixelF1Max", m.PixelF1Max);
        WriteNumber(json, "pixelAuproExact", m.PixelAuproExact);
        WriteNumber(json, "pixelAuproAnomalyClip", m.PixelAuproAnomalyClip);
        WriteNumber(json, "pixelAuproAnomalib", m.PixelAuproAnomalib);
    }

    private static void WriteCurveFiles(Utf8JsonWriter json, string name, ReportCurveFiles files)
    {
        json.WriteStartObject(name);
        json.WriteString("imageRoc", files.ImageRoc);
        json.WriteString("pixelRoc", files.PixelRoc);
        json.WriteString("pro", files.Pro);
        json.WriteEndObject();
    }

    private static void WriteCases(Utf8JsonWriter json, string name, IReadOnlyList<ReportCase> cases)
    {
        json.WriteStartArray(name);
        foreach (var c in cases)
        {
            json.WriteStartObject();
            json.WriteNumber("index", c.Index);
            json.WriteString("name", c.Name);
            WriteOptional(json, "imagePath", c.ImagePath);
            json.WriteBoolean("isAnomalous", c.IsAnomalous);
            json.WriteNumber("score", c.Score);
            json.WriteBoolean("predictedAnomalous", c.PredictedAnomalous);
            json.WriteString("overlay", c.Overlay);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteNull(name);
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, float value)
    {
        if (float.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteNull(name);
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name);
        else json.WriteString(name, value);
    }
}

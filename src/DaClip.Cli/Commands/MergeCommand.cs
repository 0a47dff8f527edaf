using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DaClip.Cli.Common;

namespace DaClip.Cli.Commands;

/// <summary>
/// <c>daclip merge dir... --out merged</c>: combines the predictions folders of the N shards of a
/// <c>daclip predict --data ... --shard i/N</c> run into one folder in dataset order, after checking that they come from
/// the same model and dataset and hold every shard exactly once. <c>daclip test --from-predictions merged</c> evaluates it.
/// </summary>
internal static class MergeCommand
{
    /// <summary>File stem of a merged set.</summary>
    public const string Stem = "predictions";

    public static Command Create()
    {
        var folders = new Argument<string[]>("folders")
        {
            Description = "The --out folders of the shards (one folder may hold several shards).",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string>("--out") { Description = "The merged predictions folder (predictions.jsonl, predictions.maps.f32, predictions.manifest.json).", HelpName = "dir", Required = true };
        var json = CliOptions.Json("the merged set's summary as JSON");
        var command = new Command("merge",
            "Combine the shard outputs of `daclip predict --data ... --shard i/N --out dir` into one predictions folder, checking that every shard is there once. " +
            "Example: daclip merge shards/ --out merged && daclip test --from-predictions merged");
        command.Arguments.Add(folders);
        command.Options.Add(output);
        command.Options.Add(json);
        command.SetAction((parse, cancellation) => VerbRunner.RunAsync("merge", parse.InvocationConfiguration.Error, () =>
        {
            var (manifestPath, manifest) = Merge(parse.GetValue(folders)!, parse.GetValue(output)!, cancellation);
            var o = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                o.WriteLine(JsonSerializer.Serialize(new { manifest = manifestPath, images = manifest.Images, shards = manifest.ShardCount, maps = manifest.Maps is not null }, CliJson.Indented));
            }
            else
            {
                o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Merged {manifest.ShardCount} shard(s): {manifest.Images} images of {manifest.Data}{(manifest.Maps is null ? "" : ", with anomaly maps")}."));
                o.WriteLine($"Manifest: {manifestPath}");
                o.WriteLine($"Next: daclip test --from-predictions {Path.GetDirectoryName(manifestPath)}");
            }
            return 0;
        }));
        return command;
    }

    /// <summary>Merges the sets in <paramref name="folders"/> into <paramref name="outFolder"/>.</summary>
    public static (string Path, PredictionManifest Manifest) Merge(IReadOnlyList<string> folders, string outFolder, CancellationToken cancellation)
    {
        var full = Path.GetFullPath(outFolder);
        if (File.Exists(full)) throw new CliUsageException($"--out {outFolder} is a file: give a folder for the merged predictions.");
        if (Directory.Exists(full) && Directory.GetFiles(full, "*" + PredictionManifest.Suffix).Any(m => Path.GetFileName(m) != Stem + PredictionManifest.Suffix))
            throw new CliUsageException($"--out {outFolder} holds shard predictions: give the merged set a folder of its own (e.g. {Path.Combine(Path.GetDirectoryName(full) ?? ".", "merged")}).");
        var set = PredictionSet.Open(folders, "merge");
        using var writer = new PredictionSetWriter(full, Stem, set.HasMaps ? set.Manifest.ImageSize : null);
        foreach (var (record, map) in set.Read())
        {
            cancellation.ThrowIfCancellationRequested();
            writer.Add(record, map);
        }
        var manifest = set.Manifest with
        {
            Shards = Enumerable.Range(0, set.Manifest.ShardCount).ToList(),
            CreatedAt = DateTimeOffset.UtcNow,
        };
        var path = writer.Commit(manifest);
        return (path, PredictionManifest.Read(path));
    }
}

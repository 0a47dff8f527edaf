using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Infrastructure;

/// <summary>
/// Locates the reference fixture folder: <c>DACLIP_FIXTURES_DIR</c>, else <c>tests/fixtures</c> in the repository
/// (tests/fixtures/README.md). An absent folder (only possible through a wrong <c>DACLIP_FIXTURES_DIR</c>) fails the test.
/// </summary>
public static class Fixtures
{
    /// <summary>The repository root (the folder holding DaClip.MLNet.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Where fixtures are looked for (may not exist).</summary>
    public static string Root { get; } =
        Environment.GetEnvironmentVariable("DACLIP_FIXTURES_DIR") is { Length: > 0 } d
            ? Path.GetFullPath(d)
            : Path.GetFullPath(Path.Combine(RepoRoot, "tests", "fixtures"));

    /// <summary>True under CI, where missing fixtures fail instead of being skipped.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The fixture folder; fails the test when it is absent.</summary>
    public static string Require()
    {
        if (Directory.Exists(Root)) return Root;
        Assert.Fail($"Reference fixture folder not found at '{Root}'. The repository carries it in tests/fixtures; "
            + "DACLIP_FIXTURES_DIR, when set, must name a folder with the same structure (see docs/testing.md).");
        return Root;
    }

    /// <summary>Files matching <paramref name="pattern"/> (e.g. <c>clip_*_config.json</c>) in <paramref name="subdir"/>; fails when none match.</summary>
    public static IReadOnlyList<string> Glob(string subdir, string pattern)
    {
        var root = Require();
        var dir = Path.Combine(root, subdir);
        var files = Directory.Exists(dir) ? Directory.GetFiles(dir, pattern).OrderBy(f => f, StringComparer.Ordinal).ToList() : [];
        if (files.Count == 0) Assert.Fail($"No fixture matches {Path.Combine(dir, pattern)}: the fixture folder is incomplete.");
        return files;
    }

    /// <summary>The set name matched by '*' in <paramref name="pattern"/> for <paramref name="file"/>.</summary>
    public static string SetName(string file, string pattern)
    {
        var name = Path.GetFileName(file);
        int star = pattern.IndexOf('*');
        var prefix = pattern[..star];
        var suffix = pattern[(star + 1)..];
        return name[prefix.Length..^suffix.Length];
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "DaClip.MLNet.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("DaClip.MLNet.sln not found above " + AppContext.BaseDirectory);
    }
}

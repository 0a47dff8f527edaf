using DaClip.MLNet.Training.Clip;
using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Network;

/// <summary>Text features of both alignments: <c>T_g</c> (image level) and <c>T_l</c> (pixel level), [2, D] each, rows [normal, anomaly].</summary>
/// <param name="Global">T_g.</param>
/// <param name="Local">T_l (equal to T_g under joint alignment).</param>
internal sealed record TextFeatures(Tensor Global, Tensor Local) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        Global.Dispose();
        if (!ReferenceEquals(Local, Global)) Local.Dispose();
    }
}

/// <summary>
/// Decoupled text-visual alignment (METHOD §3): two independent <see cref="TextBranch"/>es over one frozen text tower,
/// <c>global</c> aligned with the image feature and <c>local</c> with patch features. Under
/// <see cref="TextAlignment.Joint"/> only <c>global</c> exists and <c>T_l := T_g</c>.
/// State-dict keys <c>global.*</c>, <c>local.*</c>.
/// </summary>
internal sealed class DecoupledTextBranches : nn.Module
{
    private readonly TextBranch _global;
    private readonly TextBranch? _local;

    /// <summary>Creates the branches for text width <paramref name="width"/>.</summary>
    public DecoupledTextBranches(TextAlignment alignment, int slots, int width, int adapterLayers, bool residual, Generator generator) : base(nameof(DecoupledTextBranches))
    {
        Alignment = alignment;
        _global = new TextBranch(slots, width, adapterLayers, residual, generator);
        register_module("global", _global);
        if (alignment == TextAlignment.Decoupled)
        {
            _local = new TextBranch(slots, width, adapterLayers, residual, generator);
            register_module("local", _local);
        }
    }

    /// <summary>The alignment mode.</summary>
    public TextAlignment Alignment { get; }

    /// <summary>The global (image-level) branch.</summary>
    public TextBranch Global => _global;

    /// <summary>The local (pixel-level) branch; null under joint alignment.</summary>
    public TextBranch? Local => _local;

    /// <summary>Computes <c>T_g</c> and <c>T_l</c>.</summary>
    public TextFeatures Compute(ClipModel clip, PromptBank bank)
    {
        using var scope = torch.NewDisposeScope();
        var g = TextBranch.MeanByClass(_global.PromptFeatures(clip, bank), bank.NormalCount).MoveToOuterDisposeScope();
        var l = _local is null ? g : TextBranch.MeanByClass(_local.PromptFeatures(clip, bank), bank.NormalCount).MoveToOuterDisposeScope();
        return new TextFeatures(g, l);
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Clip;

/// <summary>A stack of <see cref="ResidualAttentionBlock"/>s (<c>resblocks.N</c>), batch-first.</summary>
internal sealed class ClipTransformer : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the checkpoint's keys
    private readonly ModuleList<ResidualAttentionBlock> resblocks;
#pragma warning restore IDE1006
    private readonly IReadOnlyList<ResidualAttentionBlock> _blocks;

    /// <summary>Creates <paramref name="layers"/> blocks of width <paramref name="width"/>.</summary>
    public ClipTransformer(int width, int layers, int heads) : base(nameof(ClipTransformer))
    {
        resblocks = new ModuleList<ResidualAttentionBlock>(Enumerable.Range(0, layers).Select(_ => new ResidualAttentionBlock(width, heads)).ToArray());
        RegisterComponents();
        _blocks = [.. resblocks];
    }

    /// <summary>The blocks, in order.</summary>
    public IReadOnlyList<ResidualAttentionBlock> Blocks => _blocks;

    /// <summary>Runs every block.</summary>
    public override Tensor forward(Tensor x) => Forward(x, null);

    /// <summary>Runs every block with an optional additive attention mask.</summary>
    public Tensor Forward(Tensor x, Tensor? mask)
    {
        var h = x;
        foreach (var block in _blocks)
        {
            var next = block.Forward(h, mask);
            if (!ReferenceEquals(h, x)) h.Dispose();
            h = next;
        }
        return ReferenceEquals(h, x) ? x.alias() : h;
    }
}

using DaClip.MLNet.Training.Clip;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Network;

/// <summary>
/// One text branch over the frozen CLIP text tower (METHOD §3): learnable slot embeddings at the prompt's slot
/// positions and a <see cref="TokenAdapter"/> at the input of each of the first <c>AdapterLayers</c> blocks.
/// State-dict keys: <c>slots</c> [K, Dt], <c>adapters.{j}.{norm,down,up}.*</c>.
/// </summary>
internal sealed class TextBranch : nn.Module
{
#pragma warning disable IDE1006 // field names are the state-dict keys
    private readonly Parameter slots;
    private readonly ModuleList<TokenAdapter> adapters;
#pragma warning restore IDE1006
    private readonly TokenAdapter[] _adapters;

    /// <summary>Creates a branch with <paramref name="slotCount"/> slots (N(0, 0.02²)) of width <paramref name="width"/>.</summary>
    public TextBranch(int slotCount, int width, int adapterLayers, bool residual, Generator generator) : base(nameof(TextBranch))
    {
        slots = new Parameter(torch.empty(slotCount, width));
        SeededInit.Normal(slots, 0.02, generator);
        _adapters = Enumerable.Range(0, adapterLayers).Select(_ => new TokenAdapter(width, residual, generator)).ToArray();
        adapters = new ModuleList<TokenAdapter>(_adapters);
        RegisterComponents();
    }

    /// <summary>The adapters, block 0 first.</summary>
    public IReadOnlyList<TokenAdapter> Adapters => _adapters;

    /// <summary>
    /// Text features [prompts, D] (L2-normalised) of every prompt in <paramref name="bank"/>.
    /// <paramref name="onSlots"/> observes the slot rows at the input of each block after its adapter, and
    /// <paramref name="onEotRows"/> the <c>ln_final</c> rows at the EOT positions [prompts, Dt] (both valid during the call).
    /// </summary>
    public Tensor PromptFeatures(ClipModel clip, PromptBank bank, Action<int, Tensor>? onSlots = null, Action<Tensor>? onEotRows = null)
    {
        using var scope = torch.NewDisposeScope();
        var device = slots.device;
        int k = bank.Slots;
        Tensor baseTokens;
        using (torch.no_grad()) baseTokens = clip.EmbedText(bank.TokenIds(device));
        var pos = clip.TextPositionalEmbedding.narrow(0, 1, k);
        var slotRows = slots.unsqueeze(0).expand(bank.Count, k, slots.shape[1]) + pos;
        var x = torch.cat([baseTokens.narrow(1, 0, 1), slotRows, baseTokens.narrow(1, 1 + k, baseTokens.shape[1] - 1 - k)], 1);
        // Causal attention: rows after the last EOT never reach an EOT row, so they are dropped (exact, ~4x less work).
        x = x.narrow(1, 0, bank.EotIndex.Max() + 1);

        Tensor BeforeBlock(int j, Tensor stream)
        {
            if (j >= _adapters.Length)
            {
                onSlots?.Invoke(j, stream.narrow(1, 1, k));
                return stream;
            }
            var refined = _adapters[j].forward(stream.narrow(1, 1, k));
            onSlots?.Invoke(j, refined);
            return torch.cat([stream.narrow(1, 0, 1), refined, stream.narrow(1, 1 + k, stream.shape[1] - 1 - k)], 1);
        }

        var lnFinal = clip.TextTower(x, BeforeBlock);
        var eot = torch.tensor(bank.EotIndex, device: device);
        var rows = lnFinal[torch.arange(bank.Count, device: device), eot];
        onEotRows?.Invoke(rows);
        return nn.functional.normalize(clip.ProjectText(rows), dim: -1).MoveToOuterDisposeScope();
    }

    /// <summary>[2, D]: the re-normalised mean of the normal prompts' features, then of the anomaly prompts'.</summary>
    public static Tensor MeanByClass(Tensor features, int normalCount)
    {
        using var scope = torch.NewDisposeScope();
        var normal = nn.functional.normalize(features.narrow(0, 0, normalCount).mean([0]), dim: -1);
        var anomaly = nn.functional.normalize(features.narrow(0, normalCount, features.shape[0] - normalCount).mean([0]), dim: -1);
        return torch.stack([normal, anomaly], 0).MoveToOuterDisposeScope();
    }
}
